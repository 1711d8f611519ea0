/**
 * apply-fix: runs on the cluster's worker after an approval moved the proposal to `applying`.
 * Applies through the remediation layer (re-read, dry run, resourceVersion precondition, reload
 * wait), records what was kept before verifying (a re-run never applies twice), re-runs the
 * diagnosis, and hands the outcome to the post queue.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { rerunFindings, type RerunFinding } from '../src/core/report/reprove.js';
import type { DiagnosisTarget } from '../src/core/model/index.js';
import type { ApplyFixJobData, ApplyFixJobResult, PostReportJobData } from '../src/queue/job-data.js';
import { jobId } from '../src/queue/job-id.js';
import { postJobOptions } from '../src/queue/job-options.js';
import { postJobName } from '../src/queue/names.js';
import type { Proposal } from '../src/store/proposal-store.js';
import { describeError, isConflict, isPermanent } from './classify-error.js';
import type { ProposalJobDeps } from './proposal-job-deps.js';
import { checkProposalScope } from './job-scope.js';
import { audit, type AuditEntry } from '../src/store/audit-log.js';

/**
 * What to re-diagnose after a fix: the same pod, except after a workload patch, which rolls the pods
 * out under new names: then a Ready pod of the same owner (deploy/NAME).
 */
export function verificationTarget(p: Proposal): DiagnosisTarget {
  if (p.fix.kind !== 'workload-patch') return p.target;
  const prefix = { Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds' }[p.fix.target.kind];
  return { ...p.target, pod: `${prefix}/${p.fix.target.name}`, namespace: p.fix.target.namespace };
}

/** Builds the apply-fix processor. */
export function createApplyFixProcessor(deps: ProposalJobDeps) {
  return async (job: Job<ApplyFixJobData, ApplyFixJobResult>): Promise<ApplyFixJobResult> => {
    const { proposalId, approvedBy } = job.data;
    const post = (data: PostReportJobData, step: string) => deps.queues.post.add(postJobName, data, { ...postJobOptions, jobId: jobId('applied', proposalId, step) });
    const p = await deps.proposals.get(proposalId);
    if (!p) throw new UnrecoverableError(`proposal ${proposalId} not found`);
    const said = (outcome: string, more: Partial<AuditEntry> = {}) =>
      audit(deps.log, { action: 'apply', who: approvedBy, proposal: p, outcome, job: job.id!, ...(job.data.slackRequest ? { slackRequest: job.data.slackRequest } : {}), ...more });
    if (p.status !== 'applying') {
      said('skipped', { reason: `the proposal is ${p.status}` });
      return { outcome: 'skipped' };
    }
    let record = p.applied;
    let message = record ? 'Applied (recovered after a worker restart).' : '';
    let reloadNote: string | undefined;
    if (!record) {
      try {
        // Before anything is written: this worker's cluster, the proposal's own object and fields only, never diagnose-only.
        checkProposalScope('apply-fix', p, deps.cluster ?? deps.runtime.name, deps.runtime.applyDisabled);
        const outcome = await deps.runtime.applyFix(p.fix, { beforeWrite: (previous) => deps.proposals.recordIntent(proposalId, previous) });
        record = outcome.record;
        message = outcome.message;
        reloadNote = outcome.reloadNote;
        await deps.proposals.recordApplied(proposalId, record);
      } catch (err) {
        // A conflict may be our own earlier write (a run that died after patching, before recording).
        // The intent recorded before the write says what was there (workload patches need it to roll back).
        const mine = isConflict(err) ? await deps.runtime.alreadyApplied?.(p.fix, p.intent).catch(() => undefined) : undefined;
        if (mine) {
          record = mine;
          message = 'The target already holds this fix (applied by an earlier attempt that did not finish); recorded it.';
          await deps.proposals.recordApplied(proposalId, record);
        } else if (isConflict(err)) {
          await deps.proposals.transition(proposalId, 'applying', 'conflict', approvedBy);
          await post({ kind: 'apply-result', proposalId, outcome: 'conflict', message: describeError(err).message }, 'conflict');
          said('conflict', { reason: describeError(err).message });
          return { outcome: 'conflict' };
        } else {
          const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          if (isPermanent(err) || lastAttempt) {
            await deps.proposals.transition(proposalId, 'applying', 'failed', approvedBy);
            await post({ kind: 'apply-result', proposalId, outcome: 'failed', message: describeError(err).message }, 'failed');
            said('failed', { reason: describeError(err).message });
            throw new UnrecoverableError(describeError(err).message);
          }
          throw err;
        }
      }
    }
    // Verification: the finding this fix addresses must be gone and the verdict healthy.
    let verified = false;
    let verification: string;
    let rerun: RerunFinding[] | undefined;
    try {
      const report = await deps.runtime.diagnose(verificationTarget(p), () => undefined);
      rerun = rerunFindings(report.findings);
      const still = report.findings.some((f) => f.fingerprint === p.fingerprint);
      verified = report.verdict === 'healthy' && !still;
      verification = `Re-run: ${report.summary}${still ? ` (the ${p.checkId} finding is still there)` : ''}`;
    } catch (err) {
      verification = `The verification diagnosis failed: ${describeError(err).message}`;
    }
    await deps.proposals.transition(proposalId, 'applying', 'applied', approvedBy);
    await post({ kind: 'apply-result', proposalId, outcome: 'applied', message, verified, verification, ...(reloadNote ? { reloadNote } : {}), ...(rerun ? { rerun } : {}) }, 'done');
    said('applied', { verified, reason: verification });
    return { outcome: 'applied', verified };
  };
}
