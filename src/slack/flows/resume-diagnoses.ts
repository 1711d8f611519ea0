/**
 * Diagnoses whose start was interrupted: an app instance died after claiming a question (and maybe
 * after posting its thread) but before enqueuing the job. Without this the question would stay
 * "already running" for the entry's lifetime (15 minutes) and nobody would answer it. Every app
 * instance looks, at start and then periodically, for entries whose owner has no heartbeat and
 * whose job does not exist: with a posted thread, it enqueues the recorded job (same id, so a
 * late enqueue by the original owner is ignored by BullMQ) and the diagnosis continues in that
 * thread; without one, it removes the entry and tells the asker to ask again.
 */
import { diagnoseJobOptions } from '../../queue/job-options.js';
import { clusterJobNames } from '../../queue/names.js';
import type { InstanceHeartbeat } from '../../store/instance-heartbeat.js';
import { renderNotice } from '../blocks/apply-blocks.js';
import type { SlackDeps } from '../deps.js';

/** One pass; returns what it did, for logs and tests. */
export async function resumeInterruptedStarts(deps: SlackDeps, heartbeat: InstanceHeartbeat): Promise<{ resumed: string[]; dropped: string[] }> {
  const resumed: string[] = [];
  const dropped: string[] = [];
  for await (const { dedupeKey, entry } of deps.running.entries()) {
    if (!entry.owner || entry.owner === heartbeat.id || (await heartbeat.alive(entry.owner))) continue;
    if (entry.data) {
      const queue = deps.queues.cluster(entry.data.cluster);
      if (!(await queue.getJob(entry.jobId))) {
        await queue.add(clusterJobNames.diagnose, entry.data, { ...diagnoseJobOptions, jobId: entry.jobId });
        resumed.push(entry.jobId);
        deps.log.info({ job: entry.jobId, deadOwner: entry.owner }, 'resumed a diagnosis whose start was interrupted');
      }
      await deps.running.adopt(dedupeKey, entry.jobId, heartbeat.id);
      continue;
    }
    // Claimed, no thread yet: nothing to resume from. Free the question and say so.
    await deps.running.finish(dedupeKey, entry.jobId);
    dropped.push(entry.jobId);
    deps.log.info({ job: entry.jobId, deadOwner: entry.owner }, 'dropped a diagnosis whose start was interrupted before its thread');
    if (entry.channel && entry.user) {
      await deps.poster.ephemeral({ channel: entry.channel }, entry.user, renderNotice(':warning: Your `/dns why` was interrupted before it started (the bot restarted); please ask again.')).catch(() => undefined);
    }
  }
  return { resumed, dropped };
}
