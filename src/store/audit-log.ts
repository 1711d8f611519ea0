/**
 * The audit line: one JSON log line for every approval, dismissal, apply, rollback and refusal of a
 * proposal, with who, which cluster and object, the hash of the patch (the same short hash the
 * approval message shows), the outcome, the job id and the Slack request id (the trigger_id of the
 * click), so that one grep follows a question from the click to the patch. The app writes the
 * approvals and refusals, the worker the applies and rollbacks; both through this one function.
 */
import { changeHash } from '../core/report/change-view.js';
import type { QueueLogger } from '../queue/connection.js';
import type { Proposal } from './proposal-store.js';

/** What happened: a click approved (an apply or a rollback), was refused, or a job changed the cluster. */
export type AuditAction = 'approval' | 'dismissal' | 'refusal' | 'apply' | 'rollback';

export interface AuditEntry {
  action: AuditAction;
  /** Slack user id of whoever clicked (for apply and rollback: who approved them). */
  who: string;
  /** The proposal, when it is known (a click on a removed proposal only has its id). */
  proposal: Pick<Proposal, 'id' | 'cluster' | 'object' | 'fix'> | { id: string };
  /** approved, applied, rolled-back, conflict, failed, skipped, or the refusal's reason word. */
  outcome: string;
  /** What the approval or refusal was about. */
  of?: 'apply' | 'rollback' | 'dismiss';
  /** The cluster job this leads to or runs in. */
  job?: string;
  /** Slack's trigger_id of the click (or of the /dns command). */
  slackRequest?: string;
  /** Plain words, for refusals and failures. */
  reason?: string;
  /** For an apply: whether the re-run diagnosis verified the fix. */
  verified?: boolean;
}

/** The fields of an audit line (exported for tests and log tooling). */
export function auditFields(e: AuditEntry): Record<string, unknown> {
  const p = e.proposal;
  const known = 'fix' in p;
  return {
    audit: e.action,
    who: e.who,
    proposal: p.id,
    ...(known ? { cluster: p.cluster, object: `${p.object.kind} ${p.object.namespace}/${p.object.name}`, patchHash: changeHash(p.fix) } : {}),
    outcome: e.outcome,
    ...(e.of ? { of: e.of } : {}),
    ...(e.job ? { job: e.job } : {}),
    ...(e.slackRequest ? { slackRequest: e.slackRequest } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.verified !== undefined ? { verified: e.verified } : {}),
  };
}

/** Writes the audit line. */
export function audit(log: QueueLogger, e: AuditEntry): void {
  log.info(auditFields(e), `audit: ${e.action}${e.of ? ` of ${e.of}` : ''} ${e.outcome}`);
}
