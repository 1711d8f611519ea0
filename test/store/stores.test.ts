/**
 * The Redis-backed stores, against a real redis-server: atomic proposal transitions under
 * concurrency, expiry, de-duplication of running diagnoses, worker heartbeats, the post ledger.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorefilePatchFix } from '../../src/core/model/index.js';
import { ClusterRegistry } from '../../src/store/cluster-registry.js';
import { FingerprintLedger } from '../../src/store/fingerprint-ledger.js';
import { PostLedger } from '../../src/store/post-ledger.js';
import { ProposalStore, type Proposal } from '../../src/store/proposal-store.js';
import { RunningDiagnoses } from '../../src/store/running-diagnoses.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

const fix = { kind: 'corefile-patch', title: 't', blastRadius: 'b', risk: 'low', target: { namespace: 'kube-system', name: 'coredns', key: 'Corefile', resourceVersion: '1' }, before: 'a', after: 'b', diff: 'd', changes: 'c', simulation: { failing: { name: 'x', type: 'A', client: 'c', before: 'b', after: 'a', changed: true }, controls: [], proof: 'p' }, needsRestart: false } satisfies CorefilePatchFix;

function proposal(id: string, expiresAt = Date.now() + 60_000): Omit<Proposal, 'status'> {
  return { id, cluster: 'lab', thread: { channel: 'C1', threadTs: '1.1' }, target: { pod: 'default/web', name: 'example.org' }, checkId: 'x', fingerprint: 'fp', fix, object: { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns', resourceVersion: '1' }, requestedBy: 'U1', createdAt: new Date().toISOString(), expiresAt };
}

describe('Redis stores', () => {
  let server: RedisHandle;
  let redis: Redis;
  let clients: Redis[];

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    // Separate connections, so concurrent transitions really race inside Redis.
    clients = Array.from({ length: 8 }, () => new Redis(server.url, { maxRetriesPerRequest: null }));
  });
  afterAll(async () => {
    for (const c of [redis, ...clients]) c.disconnect();
    await server.stop();
  });

  it('creates a proposal once and reads it back', async () => {
    const store = new ProposalStore(redis);
    expect(await store.create(proposal('fix-a'))).toBe(true);
    expect(await store.create({ ...proposal('fix-a'), requestedBy: 'U2' })).toBe(false);
    expect(await store.get('fix-a')).toMatchObject({ id: 'fix-a', status: 'pending', requestedBy: 'U1', fix: { diff: 'd' } });
    expect(await store.get('fix-missing')).toBeUndefined();
  });

  it('lets exactly one of many concurrent approvers move pending→applying', async () => {
    for (let round = 0; round < 10; round++) {
      const id = `fix-race-${round}`;
      await new ProposalStore(redis).create(proposal(id));
      const results = await Promise.all(clients.flatMap((c, i) => [0, 1].map(() => new ProposalStore(c).transition(id, 'pending', 'applying', `U${i}`, true))));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const losers = results.filter((r) => !r.ok);
      expect(losers.every((r) => !r.ok && r.reason === 'status' && r.status === 'applying')).toBe(true);
      const audit = await new ProposalStore(redis).audit(id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatch(/^\d+ U\d pending->applying$/);
    }
  });

  it('refuses an approval after expiry, and unknown proposals', async () => {
    const store = new ProposalStore(redis);
    await store.create(proposal('fix-old', Date.now() - 1));
    expect(await store.transition('fix-old', 'pending', 'applying', 'U1', true)).toEqual({ ok: false, reason: 'expired' });
    expect((await store.get('fix-old'))?.status).toBe('pending');
    expect(await store.transition('fix-nope', 'pending', 'applying', 'U1', true)).toEqual({ ok: false, reason: 'missing' });
  });

  it('joins the same question while it runs, and frees it when finished', async () => {
    const running = new RunningDiagnoses(redis);
    const key = RunningDiagnoses.keyFor('lab', 'default/web', 'Example.org.', 443);
    expect(key).toBe(RunningDiagnoses.keyFor('lab', 'default/web', 'example.org', 443));
    expect(key).not.toBe(RunningDiagnoses.keyFor('lab', 'default/web', 'example.org', 80));
    const results = await Promise.all(clients.map((c, i) => new RunningDiagnoses(c).claimOrJoin(key, `diag-${i}`, `U${i}`)));
    const owners = results.filter((r) => r.owner);
    expect(owners).toHaveLength(1);
    const ownerJob = `diag-${results.findIndex((r) => r.owner)}`;
    expect(results.filter((r) => !r.owner).every((r) => 'running' in r && r.running.jobId === ownerJob)).toBe(true);
    expect(await running.askers(ownerJob)).toHaveLength(clients.length);
    await running.finish(key, 'diag-someone-else');
    expect((await running.claimOrJoin(key, 'diag-late', 'U9')).owner).toBe(false);
    await running.finish(key, ownerJob);
    expect((await running.claimOrJoin(key, 'diag-next', 'U9')).owner).toBe(true);
  });

  it('holds one user to their in-flight limit under concurrent claims; joining is free and finishing frees a place', async () => {
    const running = new RunningDiagnoses(redis);
    // Eight different questions from one user at once, over eight connections, with a limit of 3.
    const keys = clients.map((_, i) => RunningDiagnoses.keyFor('lab', 'default/web', `q${i}.example`));
    const results = await Promise.all(clients.map((c, i) => new RunningDiagnoses(c).claimOrJoin(keys[i]!, `diag-u-${i}`, 'U0FLOOD', { perUserLimit: 3 })));
    const owned = results.map((r, i) => (r.owner ? i : -1)).filter((i) => i >= 0);
    expect(owned).toHaveLength(3);
    expect(results.filter((r) => 'inFlight' in r)).toEqual(Array(5).fill({ owner: false, inFlight: 3, limit: 3 }));
    expect(await running.inFlight('U0FLOOD')).toBe(3);
    // Another user is not affected; a refused question was never claimed, so they start it.
    const refusedKey = keys[results.findIndex((r) => 'inFlight' in r)]!;
    expect((await running.claimOrJoin(refusedKey, 'diag-other', 'U0OTHER', { perUserLimit: 3 })).owner).toBe(true);
    // The flooder may still join a question someone else is running.
    const joined = await running.claimOrJoin(refusedKey, 'diag-u-join', 'U0FLOOD', { perUserLimit: 3 });
    expect('running' in joined && joined.running.jobId).toBe('diag-other');
    expect(await running.askers('diag-other')).toEqual(['U0FLOOD', 'U0OTHER']);
    await running.finish(keys[owned[0]!]!, `diag-u-${owned[0]}`);
    expect(await running.inFlight('U0FLOOD')).toBe(2);
    expect((await running.claimOrJoin(RunningDiagnoses.keyFor('lab', 'default/web', 'next.example'), 'diag-u-next', 'U0FLOOD', { perUserLimit: 3 })).owner).toBe(true);
  });

  it('reserves places at the ack under concurrent commands of one user; the claim of a reserved job counts it once, joining gives it back', async () => {
    const running = new RunningDiagnoses(redis);
    const user = 'U0RESERVE';
    const results = await Promise.all(clients.map((c, i) => new RunningDiagnoses(c).reservePlace(user, `diag-r-${i}`, 3)));
    const reserved = results.map((r, i) => (r.reserved ? i : -1)).filter((i) => i >= 0);
    expect(reserved).toHaveLength(3);
    expect(results.filter((r) => !r.reserved)).toEqual(Array(clients.length - 3).fill({ reserved: false, inFlight: 3, limit: 3 }));
    expect(await running.inFlight(user)).toBe(3);
    // The delivery worker's claim of a reserved job is not refused by its own place, and takes no second one.
    const [a, b, c] = reserved.map((i) => `diag-r-${i}`);
    const keyA = RunningDiagnoses.keyFor('lab', 'default/web', 'a.reserve.example');
    expect((await running.claimOrJoin(keyA, a!, user, { perUserLimit: 3 })).owner).toBe(true);
    expect(await running.inFlight(user)).toBe(3);
    // Joining someone else's diagnosis is free: the reserved place comes back.
    const keyOther = RunningDiagnoses.keyFor('lab', 'default/web', 'other.reserve.example');
    expect((await running.claimOrJoin(keyOther, 'diag-r-other', 'U0OTHER', { perUserLimit: 3 })).owner).toBe(true);
    const joined = await running.claimOrJoin(keyOther, b!, user, { perUserLimit: 3 });
    expect('running' in joined && joined.running.jobId).toBe('diag-r-other');
    expect(await running.inFlight(user)).toBe(2);
    // A start that will not run gives its place back.
    await running.releasePlace(user, c!);
    expect(await running.inFlight(user)).toBe(1);
    expect(await running.reservePlace(user, 'diag-r-next', 0)).toEqual({ reserved: true });
  });

  it('lists clusters with a live heartbeat only', async () => {
    const reg = new ClusterRegistry(redis);
    const now = Date.now();
    await reg.beat('prod-eu', 'w1', 30_000, now);
    await reg.beat('prod-eu', 'w2', 30_000, now);
    await reg.beat('lab', 'w3', 30_000, now);
    await reg.beat('gone', 'w4', 10, now - 1000);
    expect(await reg.live(now)).toEqual([{ name: 'lab', workers: 1 }, { name: 'prod-eu', workers: 2 }]);
    await reg.leave('lab', 'w3');
    expect((await reg.live(now)).map((c) => c.name)).toEqual(['prod-eu']);
  });

  it('serves the live clusters of the last second from one read, and a fresh read after it', async () => {
    const reg = new ClusterRegistry(redis);
    await reg.beat('cached-a', 'w1', 30_000);
    const first = (await reg.recentLive(1000)).map((c) => c.name);
    expect(first).toContain('cached-a');
    await reg.beat('cached-b', 'w2', 30_000);
    // Within the second: the same read, without the new worker.
    expect((await reg.recentLive(1000)).map((c) => c.name)).toEqual(first);
    expect((await reg.live()).map((c) => c.name)).toContain('cached-b');
    await new Promise((r) => setTimeout(r, 20));
    expect((await reg.recentLive(10)).map((c) => c.name)).toContain('cached-b');
    await reg.leave('cached-a', 'w1');
    await reg.leave('cached-b', 'w2');
  });

  it('records posts and reports a retry when a post started without a ts', async () => {
    const ledger = new PostLedger(redis);
    expect(await ledger.reserve('job-1-report')).toBe('fresh');
    expect(await ledger.reserve('job-1-report')).toBe('retry');
    expect(await ledger.get('job-1-report')).toBeUndefined();
    await ledger.record('job-1-report', '1.23');
    expect(await ledger.get('job-1-report')).toBe('1.23');
  });

  it('moves progress forward only, and never after the final state', async () => {
    const ledger = new PostLedger(redis);
    expect(await ledger.advanceProgress('9.9', 1)).toBe(true);
    expect(await ledger.advanceProgress('9.9', 3)).toBe(true);
    expect(await ledger.advanceProgress('9.9', 2)).toBe(false);
    expect(await ledger.advanceProgress('9.9', Infinity)).toBe(true);
    expect(await ledger.advanceProgress('9.9', 5)).toBe(false);
    expect(await ledger.advanceProgress('9.9', Infinity)).toBe(false);
  });

  it('remembers the first report of a finding per channel within the window', async () => {
    const fps = new FingerprintLedger(redis, 1);
    await fps.remember('C1', 'fp1', { threadTs: '1.1', permalink: 'p1', at: 'a' });
    await fps.remember('C1', 'fp1', { threadTs: '2.2', permalink: 'p2', at: 'b' });
    expect((await fps.lookup('C1', 'fp1'))?.permalink).toBe('p1');
    expect(await fps.lookup('C2', 'fp1')).toBeUndefined();
    expect(await redis.ttl('dnswhy:fp:C1:fp1')).toBeLessThanOrEqual(1);
  });
});
