/**
 * How many jobs a cluster runs at once, and where a waiting job stands in line.
 *
 * The cap is BullMQ's global concurrency of the cluster's queue: a limit on the queue's active
 * list checked inside the script that hands a job to a worker, so it holds across every worker of
 * the cluster, however many there are and whatever their own concurrency. It caps every job of the
 * queue (diagnoses, health summaries, fixes, rollbacks), each of which may start probe pods, so a
 * cluster never runs more than that many diagnoses, nor the probe pods of more than that many (a
 * diagnosis runs its twin probe pod and one node-view probe pod per node of the pod and of CoreDNS).
 *
 * A job whose worker was SIGKILLed still counts against the cap until BullMQ's stalled check hands
 * it back (at most lockDuration + stalledInterval, worker-options.ts) or a starting worker takes it
 * over (recover-orphans.ts): a crash costs the cluster that slot for those seconds, never for good.
 *
 * Diagnoses are enqueued with a priority (job-options.ts) and fixes without: BullMQ takes jobs from
 * its plain wait list before its prioritized set, so an approver's click is not queued behind a
 * flood of questions. A diagnosis's place in line is therefore every job in the wait list plus the
 * prioritized jobs ahead of it (the set is ordered by priority, then by arrival).
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// KEYS: wait list, prioritized set; ARGV: job id. 0 when the job waits in neither (running, done, delayed).
// The wait list is pushed on the left and taken from the right: the jobs right of ours go first.
const positionLua = `
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
if rank then return rank + 1 + redis.call('LLEN', KEYS[1]) end
local idx = redis.call('LPOS', KEYS[1], ARGV[1])
if idx then return redis.call('LLEN', KEYS[1]) - idx end
return 0
`;

/**
 * Where a job stands in its queue's line.
 * @returns 1 for the next job a worker takes, 2 behind it, …; 0 when the job is not waiting
 */
export async function waitingPosition(queue: Queue, redis: Redis, jobId: string): Promise<number> {
  return Number(await redis.eval(positionLua, 2, queue.keys.wait!, queue.keys.prioritized!, jobId));
}

/** Sets the cap of a cluster's queue (every worker of the cluster sets it at start; they should agree). */
export async function setClusterMaxRunning(queue: Queue, max: number): Promise<void> {
  await queue.setGlobalConcurrency(max);
}

/** The cap of a cluster's queue, if one is set. */
export async function clusterMaxRunning(queue: Queue): Promise<number | undefined> {
  return (await queue.getGlobalConcurrency()) ?? undefined;
}

/**
 * A cluster queue's jobs by state as an operator means them: a diagnosis waits in BullMQ's
 * prioritized set (see above), so "waiting" counts the wait list and the prioritized set together.
 */
export async function queueStateCounts(queue: Queue): Promise<{ waiting: number; active: number; delayed: number; failed: number }> {
  const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
  return { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
}
