/**
 * The rollback processor after a crash in its last step (real redis-server and BullMQ queues, fake
 * diagnosis over a mocked cluster): a worker that rolled back and died during the re-run that
 * follows, before telling the thread, left the proposal `rolled-back`; the job's next run must
 * finish it (re-run, then the rollback result for the thread), not skip it, or the rollback is
 * never reported. Found by the chaos soak.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRollbackProcessor } from '../../jobs/rollback.js';
import type { CorefilePatchFix } from '../../src/core/model/index.js';
import type { PostReportJobData, RollbackJobData, RollbackJobResult } from '../../src/queue/job-data.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import type { Queues } from '../../src/queue/queues.js';
import type { RedisHandle } from '../helpers/redis-server.js';
import { startRedisQueues, stopRedisQueues } from './helpers/redis-queues.js';
import { FakeRuntime } from './helpers/fake-runtime.js';

const silent = pino({ level: 'silent' });
const job = (data: RollbackJobData) => ({ id: `rollback-${data.proposalId}`, data, attemptsMade: 0, opts: { attempts: 3 } }) as unknown as Job<RollbackJobData, RollbackJobResult>;

describe('rollback processor after a crash between rolling back and reporting (fake diagnosis, mocked cluster)', () => {
  let server: RedisHandle;
  let redis: Redis;
  let queues: Queues;
  beforeAll(async () => {
    ({ server, redis, queues } = await startRedisQueues());
  });
  afterAll(async () => {
    await stopRedisQueues({ server, redis, queues });
  });

  async function rolledBack(runtime: FakeRuntime, id: string, by: string): Promise<void> {
    const report = await runtime.diagnose({ pod: 'default/web-7d9', name: 's3.cloud-b.example' }, () => undefined);
    const f = report.findings[0]!;
    const fix = f.fixes[0] as CorefilePatchFix;
    const store = new ProposalStore(redis);
    await store.create({ id, cluster: 'lab', thread: { channel: 'C1', threadTs: '1.1' }, target: { pod: 'default/web-7d9', name: 's3.cloud-b.example' }, checkId: f.checkId, fingerprint: f.fingerprint, fix, object: { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns', resourceVersion: fix.target.resourceVersion! }, requestedBy: 'U1', createdAt: new Date().toISOString(), expiresAt: Date.now() + 60_000 });
    for (const [from, to] of [['pending', 'applying'], ['applying', 'applied'], ['applied', 'rolling-back'], ['rolling-back', 'rolled-back']] as const) expect((await store.transition(id, from, to, by)).ok).toBe(true);
  }
  const posted = async (proposalId: string) => (await queues.post.getJobs(['waiting', 'prioritized', 'delayed', 'active'])).map((j) => j.data as PostReportJobData).filter((d) => 'proposalId' in d && d.proposalId === proposalId);

  it('finishes a rollback its dead predecessor did: re-runs and posts the rollback result once, without rolling back again', async () => {
    const runtime = new FakeRuntime();
    await rolledBack(runtime, 'fix-rolled', 'U2');
    const process = createRollbackProcessor({ runtime, queues, proposals: new ProposalStore(redis), log: silent });
    const before = runtime.diagnoses;
    expect(await process(job({ proposalId: 'fix-rolled', approvedBy: 'U2' }))).toEqual({ outcome: 'rolled-back' });
    expect(runtime.rollbacks).toBe(0);
    expect(runtime.diagnoses).toBe(before + 1);
    expect((await posted('fix-rolled')).map((d) => d.kind === 'rollback-result' && d.outcome)).toEqual(['rolled-back']);
    // A further run adds nothing: the result's job id is the same.
    await process(job({ proposalId: 'fix-rolled', approvedBy: 'U2' }));
    expect(await posted('fix-rolled')).toHaveLength(1);
  });

  it('still skips a proposal another person rolled back', async () => {
    const runtime = new FakeRuntime();
    await rolledBack(runtime, 'fix-other', 'U3');
    const process = createRollbackProcessor({ runtime, queues, proposals: new ProposalStore(redis), log: silent });
    expect(await process(job({ proposalId: 'fix-other', approvedBy: 'U2' }))).toEqual({ outcome: 'skipped' });
    expect(await posted('fix-other')).toHaveLength(0);
  });
});
