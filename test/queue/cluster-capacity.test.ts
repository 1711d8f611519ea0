/**
 * A cluster's cap on jobs running at once holds across all its workers, fixes pass a queue full of
 * diagnoses, and a waiting job's place in line is counted the way BullMQ hands jobs out. Real
 * redis-server and BullMQ workers; a fake diagnosis (mocked cluster) that only takes time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startClusterWorker, type RunningWorker } from '../../jobs/cluster-worker.js';
import { clusterMaxRunning, queueStateCounts, waitingPosition } from '../../src/queue/cluster-capacity.js';
import { bullConnection } from '../../src/queue/connection.js';
import { changeJobOptions, diagnoseJobOptions, healthJobOptions } from '../../src/queue/job-options.js';
import { clusterJobNames } from '../../src/queue/names.js';
import type { DiagnoseJobData } from '../../src/queue/job-data.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { startRedisQueues, stopRedisQueues, type RedisQueues } from '../jobs/helpers/redis-queues.js';

const log = pino({ level: 'silent' });

async function until(cond: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fake diagnosis that counts how many run at once. */
class CountingRuntime extends FakeRuntime {
  running = 0;
  maxRunning = 0;
  override async diagnose(...args: Parameters<FakeRuntime['diagnose']>) {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await super.diagnose(...args);
    } finally {
      this.running -= 1;
    }
  }
}

const diagnoseData = (cluster: string, i: number): DiagnoseJobData => ({
  cluster,
  target: { pod: 'web-7d9', namespace: 'default', name: `q${i}.example` },
  requestedBy: 'U0ASKER',
  thread: { channel: 'C0X', threadTs: `1.${i}` },
  progressTs: `2.${i}`,
  dedupeKey: `k${i}`,
});

describe('cluster capacity (real redis-server and BullMQ; fake diagnosis, mocked cluster)', () => {
  let rq: RedisQueues;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    rq = await startRedisQueues(log);
  });
  afterAll(async () => {
    for (const w of workers) await w.close(1000);
    await stopRedisQueues(rq);
  });

  const start = (runtime: FakeRuntime, cluster: string, concurrency: number, maxRunning: number) =>
    startClusterWorker({ connection: bullConnection(rq.server.url), redis: rq.redis, queues: rq.queues, runtime, cluster, concurrency, maxRunning, log, heartbeatMs: 1000 }).then((w) => (workers.push(w), w));

  it('never runs more diagnoses at once than the cluster cap, across two workers of concurrency 4 each', async () => {
    const runtime = new CountingRuntime({ name: 'capped', delayMs: 150 });
    await start(runtime, 'capped', 4, 2);
    await start(runtime, 'capped', 4, 2);
    expect(await clusterMaxRunning(rq.queues.cluster('capped'))).toBe(2);
    const queue = rq.queues.cluster('capped');
    await Promise.all(Array.from({ length: 12 }, (_, i) => queue.add(clusterJobNames.diagnose, diagnoseData('capped', i), { ...diagnoseJobOptions, jobId: `diag-cap-${i}` })));
    await until(async () => (await queue.getJobCounts('completed')).completed === 12);
    expect(runtime.diagnoses).toBe(12);
    expect(runtime.maxRunning).toBe(2);
  });

  it('puts a fix ahead of queued diagnoses, a summary in line with them, counts places in line as BullMQ hands jobs out, and counts queued diagnoses as waiting', async () => {
    const queue = rq.queues.cluster('line');
    for (let i = 0; i < 3; i++) await queue.add(clusterJobNames.diagnose, diagnoseData('line', i), { ...diagnoseJobOptions, jobId: `diag-line-${i}` });
    await queue.add(clusterJobNames.health, { cluster: 'line', channel: 'C0X', requestedBy: 'U0ASKER' }, { ...healthJobOptions, jobId: 'health-line' });
    await queue.add(clusterJobNames.applyFix, { proposalId: 'fix-none', approvedBy: 'U0APPROVER' }, { ...changeJobOptions, jobId: 'apply-line' });
    expect(await Promise.all(['apply-line', 'diag-line-0', 'diag-line-1', 'diag-line-2', 'health-line', 'diag-unknown'].map((id) => waitingPosition(queue, rq.redis, id)))).toEqual([1, 2, 3, 4, 5, 0]);
    // What dnswhy_queue_jobs{state="waiting"} shows: all five, though BullMQ's own "waiting" holds only the fix.
    expect((await queue.getJobCounts('waiting')).waiting).toBe(1);
    expect(await queueStateCounts(queue)).toEqual({ waiting: 5, active: 0, delayed: 0, failed: 0 });
    await start(new CountingRuntime({ name: 'line', delayMs: 20 }), 'line', 1, 1);
    const ids = ['diag-line-2', 'health-line', 'diag-line-0', 'apply-line', 'diag-line-1'];
    await until(async () => (await Promise.all(ids.map((id) => queue.getJob(id)))).every((j) => j?.finishedOn));
    // One at a time (cap 1), so the order they started in is the order they were handed out.
    // (A job that fails at once can start in the same millisecond as the next: then it finished first.)
    const started = await Promise.all(ids.map(async (id) => { const j = (await queue.getJob(id))!; return { id, at: j.processedOn!, end: j.finishedOn! }; }));
    expect(started.sort((a, b) => a.at - b.at || a.end - b.end).map((s) => s.id)).toEqual(['apply-line', 'diag-line-0', 'diag-line-1', 'diag-line-2', 'health-line']);
  });
});
