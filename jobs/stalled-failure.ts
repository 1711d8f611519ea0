/**
 * What the thread is told when BullMQ fails a job because it stalled too often (its workers kept
 * dying while running it): a diagnosis says it could not finish, an apply or rollback says it was
 * interrupted and leaves the proposal where a person can decide. Without this such a job would end
 * silently, and the asker would wait forever.
 */
import type { Job } from 'bullmq';
import type { ApplyFixJobData, DiagnoseJobData, PostReportJobData, RollbackJobData } from '../src/queue/job-data.js';
import { jobId } from '../src/queue/job-id.js';
import { postJobOptions } from '../src/queue/job-options.js';
import { clusterJobNames, postJobName } from '../src/queue/names.js';
import type { Queues } from '../src/queue/queues.js';
import type { ProposalStore } from '../src/store/proposal-store.js';

const interrupted = 'the workers running it stopped several times in a row (crashed or were killed); it was not retried again';

/** Enqueues the thread message for a job that stalled too often (idempotent: a fixed post job id). */
export async function reportStalledFailure(job: Job, queues: Queues, proposals: ProposalStore): Promise<void> {
  const post = (data: PostReportJobData, id: string) => queues.post.add(postJobName, data, { ...postJobOptions, jobId: id });
  if (job.name === clusterJobNames.diagnose) {
    const d = job.data as DiagnoseJobData;
    await post({ kind: 'diagnosis-failed', thread: d.thread, progressTs: d.progressTs, cluster: d.cluster, target: d.target, message: `the diagnosis could not finish: ${interrupted}`, dedupeKey: d.dedupeKey, diagnoseJobId: job.id! }, jobId('failed', job.id!));
    return;
  }
  if (job.name === clusterJobNames.applyFix) {
    const d = job.data as ApplyFixJobData;
    const p = await proposals.get(d.proposalId);
    // Applied already recorded: the patch is in place; otherwise it may or may not be, and the
    // proposal is marked failed so nobody applies it blindly again.
    if (p?.status === 'applying' && !p.applied) {
      await proposals.transition(d.proposalId, 'applying', 'failed', d.approvedBy);
      await post({ kind: 'apply-result', proposalId: d.proposalId, outcome: 'failed', message: `Applying was interrupted: ${interrupted}. Check the target before trying again.` }, jobId('applied', d.proposalId, 'stalled'));
    } else if (p?.status === 'applying' && p.applied) {
      await proposals.transition(d.proposalId, 'applying', 'applied', d.approvedBy);
      await post({ kind: 'apply-result', proposalId: d.proposalId, outcome: 'applied', message: `Applied; the verification was interrupted: ${interrupted}.`, verified: false }, jobId('applied', d.proposalId, 'stalled'));
    }
    return;
  }
  if (job.name === clusterJobNames.rollback) {
    const d = job.data as RollbackJobData;
    const p = await proposals.get(d.proposalId);
    if (p?.status === 'rolling-back') {
      await proposals.transition(d.proposalId, 'rolling-back', 'applied', d.approvedBy);
      await post({ kind: 'rollback-result', proposalId: d.proposalId, outcome: 'failed', message: `Rolling back was interrupted: ${interrupted}. The fix may still be in place.` }, jobId('rolledback', d.proposalId, 'stalled'));
    }
  }
}
