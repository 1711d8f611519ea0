/**
 * Orphaned jobs taken over by a worker that starts: an active job without a lock has no living
 * worker (a lock is renewed while its worker runs; it expires lockDuration after the worker died).
 * BullMQ's own stalled check needs two passes a stalledInterval apart to move it; a worker that
 * has just started (a pod restarted after its predecessor was killed) moves such jobs back to the
 * queue at once, and looks again when every lock taken before it started has had time to expire.
 * Each job is taken over this way at most maxStalledCount times (a job that kills every worker
 * that runs it must not loop), counted in Redis.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueLogger } from './connection.js';
import { keyPrefix } from './names.js';
import { workerLockOptions } from './worker-options.js';

/**
 * Moves the queue's lockless active jobs back to waiting.
 * @returns the ids moved
 */
export async function recoverOrphanedJobs(queue: Queue, redis: Redis, log: QueueLogger, maxTakeovers: number = workerLockOptions.maxStalledCount): Promise<string[]> {
  const moved: string[] = [];
  const counts = `${keyPrefix}:orphan-takeovers:${queue.name}`;
  for (const job of await queue.getJobs(['active'])) {
    if (!job.id) continue;
    if ((await redis.exists(`${queue.toKey(job.id)}:lock`)) === 1) continue;
    const n = await redis.hincrby(counts, job.id, 1);
    await redis.expire(counts, 24 * 3600);
    if (n > maxTakeovers) continue; // left to BullMQ's stalled check, which fails it
    // Token "0": move without a lock (there is none); a job another worker moved meanwhile is left alone.
    await job.moveToWait('0').catch(() => undefined);
    moved.push(job.id);
  }
  if (moved.length > 0) log.info({ queue: queue.name, jobs: moved }, 'took over jobs whose worker died');
  return moved;
}

/**
 * Runs recoverOrphanedJobs now and once more when every lock older than this start has expired.
 * @returns a stopper for the pending second pass
 */
export function recoverOrphansAtStart(queue: Queue, redis: Redis, log: QueueLogger, lockDurationMs: number = workerLockOptions.lockDuration): { first: Promise<string[]>; cancel(): void } {
  const run = () => recoverOrphanedJobs(queue, redis, log).catch((err: Error) => {
    log.warn({ err: err.message, queue: queue.name }, 'could not look for orphaned jobs');
    return [] as string[];
  });
  const first = run();
  const timer = setTimeout(() => void run(), lockDurationMs + 250);
  timer.unref();
  return { first, cancel: () => clearTimeout(timer) };
}
