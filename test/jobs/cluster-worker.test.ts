/**
 * Graceful shutdown of a cluster worker: a job that outlives the grace period is handed back (the
 * worker stops renewing its lock) and another worker finishes it. Also: the worker's heartbeat
 * registers its cluster and leaving removes it. Fake diagnosis (mocked cluster), real redis-server.
 */
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterWorker, type RunningWorker } from '../../jobs/cluster-worker.js';
import { ClusterRegistry } from '../../src/store/cluster-registry.js';
import { bullConnection } from '../../src/queue/connection.js';
import type { DiagnoseJobData } from '../../src/queue/job-data.js';
import { clusterJobNames } from '../../src/queue/names.js';
import type { Queues } from '../../src/queue/queues.js';
import { type RedisHandle } from '../helpers/redis-server.js';
import { startRedisQueues, stopRedisQueues } from './helpers/redis-queues.js';
import { FakeRuntime } from './helpers/fake-runtime.js';

describe('cluster worker shutdown with a fake diagnosis (mocked cluster)', { timeout: 60_000 }, () => {
  let server: RedisHandle;
  let redis: Redis;
  let queues: Queues;
  const log = pino({ level: 'silent' });
  const slow = new FakeRuntime({ name: 'lab', delayMs: 30_000 });
  let b: RunningWorker | undefined;

  beforeAll(async () => {
    ({ server, redis, queues } = await startRedisQueues(log));
  });
  afterAll(async () => {
    slow.release?.();
    await b?.close(1000);
    await stopRedisQueues({ server, redis, queues });
  });

  it('hands a running job back when the grace period ends, and another worker completes it', async () => {
    const a = await startClusterWorker({ connection: bullConnection(server.url), redis, queues, runtime: slow, cluster: 'lab', log, heartbeatMs: 500, lockDurationMs: 1500 });
    expect((await new ClusterRegistry(redis).live()).map((c) => c.name)).toEqual(['lab']);
    const data: DiagnoseJobData = { cluster: 'lab', target: { pod: 'default/web-7d9', name: 'example.org' }, requestedBy: 'U1', thread: { channel: 'C1', threadTs: '1.1' }, progressTs: '1.2', dedupeKey: 'k' };
    const job = await queues.cluster('lab').add(clusterJobNames.diagnose, data, { jobId: 'diag-handback', attempts: 3 });
    for (let i = 0; i < 200 && slow.diagnoses === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(slow.diagnoses).toBe(1);
    await a.close(300);
    expect(await new ClusterRegistry(redis).live()).toEqual([]);
    const fast = new FakeRuntime({ name: 'lab' });
    b = await startClusterWorker({ connection: bullConnection(server.url), redis, queues, runtime: fast, cluster: 'lab', log, heartbeatMs: 500, lockDurationMs: 1500 });
    let state = '';
    for (let i = 0; i < 400 && state !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await queues.cluster('lab').getJobState(job.id!);
    }
    expect(state).toBe('completed');
    expect(fast.diagnoses).toBe(1);
    const done = await queues.cluster('lab').getJob(job.id!);
    expect(done?.returnvalue).toMatchObject({ verdict: 'broken', postJobId: 'report-diag-handback' });
  });
});
