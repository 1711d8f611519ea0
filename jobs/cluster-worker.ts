/**
 * The worker entry for one cluster: consumes `dnswhy-cluster-<name>` (diagnose, apply-fix,
 * rollback), announces itself with a heartbeat so the app can route to it, and shuts down
 * gracefully: running jobs finish within the grace period, or are handed back (their lock is
 * released and BullMQ's stalled-job check gives them to another worker).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ClusterRegistry } from '../src/store/cluster-registry.js';
import type { QueueLogger } from '../src/queue/connection.js';
import { clusterJobNames, clusterQueueName } from '../src/queue/names.js';
import { ProposalStore } from '../src/store/proposal-store.js';
import type { Queues } from '../src/queue/queues.js';
import { createApplyFixProcessor } from './apply-fix.js';
import type { ClusterRuntime } from './cluster-runtime.js';
import { createDiagnoseProcessor } from './diagnose.js';
import { HealthStore } from '../src/store/health-store.js';
import { createHealthProcessor } from './health.js';
import { createRollbackProcessor } from './rollback.js';
import type { Readiness } from '../src/ops/readiness.js';
import type { DnswhyMetrics } from '../src/ops/metrics.js';
import { recordJobAttempt } from './job-metrics.js';
import { recoverOrphansAtStart } from '../src/queue/recover-orphans.js';
import { stalledTooOftenReason, workerLockOptions } from '../src/queue/worker-options.js';
import { reportStalledFailure } from './stalled-failure.js';
import { checkJobCluster, type JobRefusedError } from './job-scope.js';
import { queueStateCounts, setClusterMaxRunning } from '../src/queue/cluster-capacity.js';

export interface ClusterWorkerOptions {
  connection: ConnectionOptions;
  redis: Redis;
  queues: Queues;
  runtime: ClusterRuntime;
  cluster: string;
  concurrency?: number;
  /**
   * Jobs the whole cluster runs at once, across all its workers (DNSWHY_CLUSTER_MAX_RUNNING): set on
   * the cluster's queue at start, so the last worker started decides; give every worker the same.
   * Unset: the queue's cap stays as it is.
   */
  maxRunning?: number;
  log: QueueLogger;
  heartbeatMs?: number;
  progressIntervalMs?: number;
  /** Lock duration (default workerLockOptions): a job whose worker died is taken over after about this long. */
  lockDurationMs?: number;
  /** Where the worker adds its readiness conditions (its queue consumed, the API server answering). */
  readiness?: Readiness;
  /** Where job outcomes and this cluster's queue depth are counted (/metrics). */
  metrics?: DnswhyMetrics;
}

export interface RunningWorker {
  worker: Worker;
  instance: string;
  /** Stops taking jobs; waits for running ones up to graceMs, then hands them back. */
  close(graceMs?: number): Promise<void>;
}

/** Starts a cluster worker. */
export async function startClusterWorker(o: ClusterWorkerOptions): Promise<RunningWorker> {
  const proposals = new ProposalStore(o.redis);
  const processors: Record<string, (job: Job) => Promise<unknown>> = {
    [clusterJobNames.diagnose]: createDiagnoseProcessor({ runtime: o.runtime, queues: o.queues, log: o.log, ...(o.progressIntervalMs !== undefined ? { progressIntervalMs: o.progressIntervalMs } : {}) }),
    [clusterJobNames.applyFix]: createApplyFixProcessor({ runtime: o.runtime, queues: o.queues, proposals, log: o.log, cluster: o.cluster }),
    [clusterJobNames.rollback]: createRollbackProcessor({ runtime: o.runtime, queues: o.queues, proposals, log: o.log, cluster: o.cluster }),
    [clusterJobNames.health]: createHealthProcessor({ runtime: o.runtime, queues: o.queues, store: new HealthStore(o.redis) }),
  };
  // Before the worker takes its first job.
  if (o.maxRunning !== undefined) await setClusterMaxRunning(o.queues.cluster(o.cluster), o.maxRunning);
  let active = 0;
  // The worker's name is stored on every job it takes (BullMQ's processedBy): who ran what, and
  // which jobs a dead process held.
  const instance = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const worker = new Worker(
    clusterQueueName(o.cluster),
    async (job: Job) => {
      const p = processors[job.name];
      if (!p) throw new UnrecoverableError(`unknown job "${job.name}" on the cluster queue`);
      // Jobs that name their cluster must name this one (apply-fix and rollback check their stored proposal).
      if (job.name === clusterJobNames.diagnose || job.name === clusterJobNames.health) {
        try {
          checkJobCluster(job.name, (job.data as { cluster?: string }).cluster, o.cluster);
        } catch (err) {
          o.log.error({ job: job.id, name: job.name, code: (err as JobRefusedError).code, err: (err as Error).message }, 'job refused');
          throw new UnrecoverableError((err as Error).message);
        }
      }
      active += 1;
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const result = await p(job);
        if (o.metrics) recordJobAttempt(o.metrics, o.cluster, job.name, { result }, seconds());
        return result;
      } catch (err) {
        if (o.metrics) recordJobAttempt(o.metrics, o.cluster, job.name, { threw: true }, seconds());
        throw err;
      } finally {
        active -= 1;
      }
    },
    {
      connection: o.connection,
      name: instance,
      concurrency: o.concurrency ?? 2,
      ...workerLockOptions,
      ...(o.lockDurationMs ? { lockDuration: o.lockDurationMs, stalledInterval: Math.min(workerLockOptions.stalledInterval, o.lockDurationMs) } : {}),
    },
  );
  worker.on('error', (err) => o.log.warn({ err: err.message, cluster: o.cluster }, 'worker error'));
  worker.on('failed', (job, err) => {
    o.log.warn({ job: job?.id, name: job?.name, err: err.message, attempts: job?.attemptsMade }, 'job failed');
    // A job failed by BullMQ for stalling too often never reached its processor's own failure
    // handling: tell the thread, so the question still gets an answer.
    if (job && err.message === stalledTooOftenReason) void reportStalledFailure(job, o.queues, proposals).catch((e: Error) => o.log.warn({ err: e.message, job: job.id }, 'could not report a job that stalled too often'));
  });
  await worker.waitUntilReady();
  o.metrics?.addQueueSource(async () => [{ cluster: o.cluster, counts: await queueStateCounts(o.queues.cluster(o.cluster)) }]);
  // Jobs whose worker died before this one started are taken over now, not at the next stalled checks.
  const orphans = recoverOrphansAtStart(o.queues.cluster(o.cluster), o.redis, o.log, o.lockDurationMs ?? workerLockOptions.lockDuration);
  await orphans.first;

  const registry = new ClusterRegistry(o.redis);
  const beatMs = o.heartbeatMs ?? 10_000;
  const beat = () => registry.beat(o.cluster, instance, beatMs * 3).catch((err: Error) => o.log.warn({ err: err.message }, 'heartbeat failed'));
  let lastBeatOk = 0;
  const beatAndNote = () => beat().then(() => void (lastBeatOk = Date.now()));
  await beatAndNote();
  const timer = setInterval(beatAndNote, beatMs);
  timer.unref();
  let closing = false;
  o.readiness?.probe(`queue-${o.cluster}`, () => {
    // Consuming means: the worker runs, is not paused or closing, and its heartbeat reached Redis lately.
    if (closing) return { ok: false, detail: 'shutting down' };
    if (!worker.isRunning() || worker.isPaused()) return { ok: false, detail: `not consuming ${clusterQueueName(o.cluster)} (${worker.isPaused() ? 'paused' : 'stopped'})` };
    const age = Date.now() - lastBeatOk;
    if (age > beatMs * 3) return { ok: false, detail: `consuming ${clusterQueueName(o.cluster)}, but its heartbeat has not reached Redis for ${Math.round(age / 1000)} s` };
    return { ok: true, detail: `consuming ${clusterQueueName(o.cluster)} (concurrency ${o.concurrency ?? 2}${o.maxRunning !== undefined ? `, at most ${o.maxRunning} at once on the cluster` : ''})` };
  });
  const ping = o.runtime.ping?.bind(o.runtime);
  if (ping) o.readiness?.probe(`kubernetes-api-${o.cluster}`, async () => ({ ok: true, detail: await ping() }), { timeoutMs: 3000 });

  return {
    worker,
    instance,
    async close(graceMs = 25_000) {
      closing = true;
      orphans.cancel();
      clearInterval(timer);
      await registry.leave(o.cluster, instance).catch(() => undefined);
      // Take no new job, give running ones the grace period, then close; a forced close stops
      // renewing their locks, so BullMQ's stalled check hands them to another worker.
      // (A second close() call returns the first one's promise, hence deciding before calling it.)
      await worker.pause(true);
      const deadline = Date.now() + graceMs;
      while (active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (active > 0) o.log.warn({ cluster: o.cluster, active }, 'grace period over: handing running jobs back');
      await worker.close(active > 0);
    },
  };
}
