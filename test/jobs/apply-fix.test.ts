/**
 * The apply-fix processor alone (real redis-server and BullMQ queues, fake diagnosis over a mocked
 * cluster): skips proposals not in `applying`, reports a changed target as a conflict without
 * writing, and recognises its own earlier write after a crash instead of calling it a conflict.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplyFixProcessor } from '../../jobs/apply-fix.js';
import type { CorefilePatchFix } from '../../src/core/model/index.js';
import type { ApplyFixJobData, ApplyFixJobResult, PostReportJobData } from '../../src/queue/job-data.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import type { Queues } from '../../src/queue/queues.js';
import { type RedisHandle } from '../helpers/redis-server.js';

const silent = pino({ level: 'silent' });
import { startRedisQueues, stopRedisQueues } from './helpers/redis-queues.js';
import { FakeRuntime } from './helpers/fake-runtime.js';

function job(data: ApplyFixJobData, attemptsMade = 0): Job<ApplyFixJobData, ApplyFixJobResult> {
  return { id: `apply-${data.proposalId}`, data, attemptsMade, opts: { attempts: 3 } } as unknown as Job<ApplyFixJobData, ApplyFixJobResult>;
}

describe('apply-fix processor with a fake diagnosis (mocked cluster)', () => {
  let server: RedisHandle;
  let redis: Redis;
  let queues: Queues;

  beforeAll(async () => {
    ({ server, redis, queues } = await startRedisQueues());
  });
  afterAll(async () => {
    await stopRedisQueues({ server, redis, queues });
  });

  async function propose(runtime: FakeRuntime, id: string): Promise<CorefilePatchFix> {
    const report = await runtime.diagnose({ pod: 'default/web-7d9', name: 's3.cloud-b.example' }, () => undefined);
    const f = report.findings[0]!;
    const fix = f.fixes[0] as CorefilePatchFix;
    await new ProposalStore(redis).create({ id, cluster: 'lab', thread: { channel: 'C1', threadTs: '1.1' }, target: { pod: 'default/web-7d9', name: 's3.cloud-b.example' }, checkId: f.checkId, fingerprint: f.fingerprint, fix, object: { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns', resourceVersion: fix.target.resourceVersion! }, requestedBy: 'U1', createdAt: new Date().toISOString(), expiresAt: Date.now() + 60_000 });
    return fix;
  }

  const posted = async (proposalId: string) => (await queues.post.getJobs(['waiting', 'prioritized', 'delayed', 'active'])).map((j) => j.data as PostReportJobData).filter((d) => 'proposalId' in d && d.proposalId === proposalId);

  it('does nothing for a proposal that was not approved', async () => {
    const runtime = new FakeRuntime();
    await propose(runtime, 'fix-pending');
    const res = await createApplyFixProcessor({ runtime, queues, proposals: new ProposalStore(redis), log: silent })(job({ proposalId: 'fix-pending', approvedBy: 'U2' }));
    expect(res).toEqual({ outcome: 'skipped' });
    expect(runtime.applies).toBe(0);
  });

  it('reports a target changed by someone else as a conflict, writing nothing', async () => {
    const runtime = new FakeRuntime();
    await propose(runtime, 'fix-stale');
    runtime.corefile += '# edited by a human\n';
    runtime.resourceVersion += 1;
    const store = new ProposalStore(redis);
    await store.transition('fix-stale', 'pending', 'applying', 'U2');
    const res = await createApplyFixProcessor({ runtime, queues, proposals: store, log: silent })(job({ proposalId: 'fix-stale', approvedBy: 'U2' }));
    expect(res).toEqual({ outcome: 'conflict' });
    expect(runtime.applies).toBe(0);
    expect((await store.get('fix-stale'))?.status).toBe('conflict');
    expect((await posted('fix-stale')).map((d) => d.kind === 'apply-result' && d.outcome)).toEqual(['conflict']);
  });

  it('recognises its own earlier write after a crash and verifies instead of reporting a conflict', async () => {
    const runtime = new FakeRuntime();
    const fix = await propose(runtime, 'fix-crash');
    const store = new ProposalStore(redis);
    await store.transition('fix-crash', 'pending', 'applying', 'U2');
    // The first run patched the ConfigMap and died before recording it.
    runtime.corefile = fix.after;
    runtime.resourceVersion += 1;
    const res = await createApplyFixProcessor({ runtime, queues, proposals: store, log: silent })(job({ proposalId: 'fix-crash', approvedBy: 'U2' }, 1));
    expect(res).toEqual({ outcome: 'applied', verified: true });
    const p = await store.get('fix-crash');
    expect(p?.status).toBe('applied');
    expect(p?.applied?.resourceVersion).toBe(String(runtime.resourceVersion));
    expect((await posted('fix-crash')).map((d) => d.kind === 'apply-result' && d.outcome)).toEqual(['applied']);
  });
});
