/**
 * How fast a job whose worker died is handed to another worker, for every BullMQ worker of
 * dnswhy (cluster workers and the app's delivery worker).
 *
 * BullMQ keeps a lock per active job, renewed by its worker every lockDuration/2. A worker's
 * stalled check (every stalledInterval, once per queue across all workers) moves an active job
 * whose lock has expired back to the queue; a job becomes a candidate at one check and is moved at
 * a later one. So a job whose worker was SIGKILLed waits between lockDuration/2 (killed just
 * before a renewal) and lockDuration (just after), plus up to stalledInterval: with the defaults
 * (30 s and 30 s) that is the 60-70 s people saw.
 *
 * - lockDuration 5 s: a kill costs 2.5-5 s. The price is that a worker whose event loop is blocked
 *   longer than 2.5 s, or whose Redis round trip takes that long, loses its lock and the job runs
 *   twice (harmless here: every post is keyed, every apply is recorded before it is verified, but
 *   wasted work). Our job code never blocks the loop for long (probes are I/O; the CPU-heavy parts
 *   are Corefile evaluations of milliseconds): the chaos soak measures the workers' event-loop delay
 *   under load and counts false stalls (bench/results/chaos.json).
 * - stalledInterval 1.5 s: the check is one small Lua script per queue (throttled across workers),
 *   cheap enough to run often; it adds at most 1.5 s.
 * - maxStalledCount 5: a job is failed after stalling that often (a job that kills its worker must
 *   not loop forever), high enough that a few unlucky kills in a row do not fail a healthy job.
 *
 * Worst case from a kill to the job being picked up again: 5 + 1.5 = 6.5 s; a worker that starts
 * takes over orphaned jobs at once (recover-orphans.ts).
 */
export const workerLockOptions = {
  lockDuration: 5000,
  stalledInterval: 1500,
  maxStalledCount: 5,
} as const;

/** BullMQ's reason for a job failed after stalling more than maxStalledCount times. */
export const stalledTooOftenReason = 'job stalled more than allowable limit';
