/** What the Slack listeners need, built once by the app and passed to each listener. */
import type { Redis } from 'ioredis';
import type { ClusterRegistry } from '../store/cluster-registry.js';
import type { QueueLogger } from '../queue/connection.js';
import type { PostLedger } from '../store/post-ledger.js';
import type { ProposalStore } from '../store/proposal-store.js';
import type { ReportStore } from '../store/report-store.js';
import type { Queues } from '../queue/queues.js';
import type { RunningDiagnoses } from '../store/running-diagnoses.js';
import type { PendingHealth } from '../store/pending-health.js';
import type { ApproverPolicy } from './approvals/approver-policy.js';
import type { SchedulerPolicy } from './approvals/scheduler-policy.js';
import type { SlackPoster } from './poster/slack-poster.js';

export interface SlackDeps {
  redis: Redis;
  queues: Queues;
  poster: SlackPoster;
  ledger: PostLedger;
  proposals: ProposalStore;
  reports: ReportStore;
  running: RunningDiagnoses;
  /** On-demand health summaries on their way (one per cluster and channel). */
  pendingHealth: PendingHealth;
  clusters: ClusterRegistry;
  approvers: ApproverPolicy;
  /** Who may schedule summaries into other channels. */
  schedulers: SchedulerPolicy;
  log: QueueLogger;
  /** Diagnoses one user may have queued or running at once; more are refused with a message. */
  maxDiagnosesPerUser: number;
  /** This app instance (its heartbeat tells others it is alive while it starts diagnoses). */
  instanceId?: string;
  /** Cluster used when the command names none and several workers are live. */
  defaultCluster?: string;
  /** Where check documentation paths are browsed (default: the project's repository). */
  docsBaseUrl?: string;
}
