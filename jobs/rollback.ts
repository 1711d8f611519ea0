/**
 * rollback: restores the version apply-fix kept, with the same safety rules (the remediation layer
 * refuses when the object moved on since the apply), and hands the outcome to the post queue.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { rerunFindings, type RerunFinding } from '../src/core/report/reprove.js';
import type { PostReportJobData, RollbackJobData, RollbackJobResult } from '../src/queue/job-data.js';
import { jobId } from '../src/queue/job-id.js';
import { postJobOptions } from '../src/queue/job-options.js';
import { postJobName } from '../src/queue/names.js';
import { verificationTarget } from './apply-fix.js';
import { describeError, isConflict, isPermanent } from './classify-error.js';
import type { ProposalJobDeps } from './proposal-job-deps.js';
import { checkProposalScope } from './job-scope.js';
import { audit, type AuditEntry } from '../src/store/audit-log.js';

/** Builds the rollback processor. */
export function createRollbackProcessor(deps: ProposalJobDeps) {
  return async (job: Job<RollbackJobData, RollbackJobResult>): Promise<RollbackJobResult> => {
    const { proposalId, approvedBy } = job.data;
    const post = (data: PostReportJobData, step: string) => deps.queues.post.add(postJobName, data, { ...postJobOptions, jobId: jobId('rolledback', proposalId, step) });
    const p = await deps.proposals.get(proposalId);
    if (!p) throw new UnrecoverableError(`proposal ${proposalId} not found`);
    const said = (outcome: string, more: Partial<AuditEntry> = {}) =>
      audit(deps.log, { action: 'rollback', who: approvedBy, proposal: p, outcome, job: job.id!, ...(job.data.slackRequest ? { slackRequest: job.data.slackRequest } : {}), ...more });
    if (p.status !== 'rolling-back') {
      said('skipped', { reason: `the proposal is ${p.status}` });
      return { outcome: 'skipped' };
    }
    if (!p.applied) throw new UnrecoverableError(`proposal ${proposalId} has no applied record to roll back`);
    try {
      checkProposalScope('rollback', p, deps.cluster ?? deps.runtime.name, deps.runtime.applyDisabled);
      const { message } = await deps.runtime.rollbackFix(p.applied);
      await deps.proposals.transition(proposalId, 'rolling-back', 'rolled-back', approvedBy);
      // A re-run against the restored state re-proves the report's other fixes (best effort).
      let rerun: RerunFinding[] | undefined;
      try {
        rerun = rerunFindings((await deps.runtime.diagnose(verificationTarget(p), () => undefined)).findings);
      } catch {
        rerun = undefined;
      }
      await post({ kind: 'rollback-result', proposalId, outcome: 'rolled-back', message, ...(rerun ? { rerun } : {}) }, 'done');
      said('rolled-back');
      return { outcome: 'rolled-back' };
    } catch (err) {
      if (isConflict(err)) {
        // Back to applied: the fix is still in place; a later rollback may be asked again after a look.
        await deps.proposals.transition(proposalId, 'rolling-back', 'applied', approvedBy);
        await post({ kind: 'rollback-result', proposalId, outcome: 'conflict', message: describeError(err).message }, `conflict-${job.attemptsMade}`);
        said('conflict', { reason: describeError(err).message });
        return { outcome: 'conflict' };
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (isPermanent(err) || lastAttempt) {
        await deps.proposals.transition(proposalId, 'rolling-back', 'applied', approvedBy);
        await post({ kind: 'rollback-result', proposalId, outcome: 'failed', message: describeError(err).message }, `failed-${job.attemptsMade}`);
        said('failed', { reason: describeError(err).message });
        throw new UnrecoverableError(describeError(err).message);
      }
      throw err;
    }
  };
}
