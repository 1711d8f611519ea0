/** What the processors that act on a stored proposal (apply-fix and rollback) are built with: one shape for both. */
import type { QueueLogger } from '../src/queue/connection.js';
import type { Queues } from '../src/queue/queues.js';
import type { ProposalStore } from '../src/store/proposal-store.js';
import type { ClusterRuntime } from './cluster-runtime.js';

export interface ProposalJobDeps {
  runtime: ClusterRuntime;
  queues: Queues;
  proposals: ProposalStore;
  /** Where the audit line of each apply and rollback goes. */
  log: QueueLogger;
  /** The cluster this worker serves (default: the runtime's name); a proposal of another is refused. */
  cluster?: string;
}
