/**
 * The health job and its schedules with a real redis-server and BullMQ, over a fake cluster
 * (FakeRuntime: no cluster, made-up health input): the second summary of a channel compares with
 * the first (deltas, restarts, config drift with a diff), channels keep separate snapshots, and
 * job schedulers for health summaries are upserted and removed idempotently.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthProcessor } from '../../jobs/health.js';
import { parseScheduleSpec } from '../../src/core/health/index.js';
import { HealthStore } from '../../src/store/health-store.js';
import type { HealthJobData, HealthJobResult, PostReportJobData } from '../../src/queue/job-data.js';
import { isValidJobId } from '../../src/queue/job-id.js';
import { clusterJobNames } from '../../src/queue/names.js';
import type { Queues } from '../../src/queue/queues.js';
import { healthSchedulerId } from '../../src/slack/flows/schedule-health.js';
import { type RedisHandle } from '../helpers/redis-server.js';
import { startRedisQueues, stopRedisQueues } from './helpers/redis-queues.js';
import { FakeRuntime } from './helpers/fake-runtime.js';

let n = 0;
function job(data: HealthJobData): Job<HealthJobData, HealthJobResult> {
  return { id: `health-test-${++n}`, data, attemptsMade: 0, opts: {} } as unknown as Job<HealthJobData, HealthJobResult>;
}

describe('health job and schedules (real redis-server, fake cluster)', () => {
  let server: RedisHandle;
  let redis: Redis;
  let queues: Queues;

  beforeAll(async () => {
    ({ server, redis, queues } = await startRedisQueues());
  });
  afterAll(async () => {
    await stopRedisQueues({ server, redis, queues });
  });

  const postedHealth = async (channel: string) =>
    (await queues.post.getJobs(['waiting', 'prioritized', 'delayed', 'active']))
      .map((j) => ({ id: j.id, data: j.data as PostReportJobData }))
      .filter((j): j is { id: string; data: Extract<PostReportJobData, { kind: 'health' }> } => j.data.kind === 'health' && j.data.channel === channel)
      .sort((a, b) => a.data.summary.at.localeCompare(b.data.summary.at));

  it('builds each summary against the previous one of the same cluster and channel', async () => {
    const runtime = new FakeRuntime({ name: 'lab' });
    const store = new HealthStore(redis);
    const process = createHealthProcessor({ runtime, queues, store });
    const data = { cluster: 'lab', channel: 'C0HEALTH', requestedBy: 'U0ASKER' };
    const r1 = await process(job(data));
    expect(r1.status).toBe('degraded');
    runtime.corefile = runtime.corefile.replace('cache 30', 'cache 60');
    runtime.resourceVersion += 1;
    await new Promise((r) => setTimeout(r, 5)); // distinct timestamps
    await process(job(data));
    const posts = await postedHealth('C0HEALTH');
    expect(posts).toHaveLength(2);
    expect(posts.every((p) => isValidJobId(p.id!))).toBe(true);
    const [first, second] = posts.map((p) => p.data.summary);
    expect(first!.traffic).toMatchObject({ window: 'since-start', requests: 100 });
    expect(first!.config.changed).toBe(false);
    expect(second!.traffic).toMatchObject({ window: 'since-previous', since: first!.at, requests: 100 });
    expect(second!.config).toMatchObject({ changed: true, previousAt: first!.at });
    expect(second!.config.diff).toContain('+    cache 60');
    expect(second!.replicas.list.find((r) => r.name === 'coredns-b')).toMatchObject({ restarts: 3, newRestarts: 0 });
    // Another channel has its own history: no drift there.
    await process(job({ ...data, channel: 'C0OTHER' }));
    expect((await postedHealth('C0OTHER'))[0]!.data.summary.config.changed).toBe(false);
    expect((await store.previous('lab', 'C0HEALTH'))!.at).toBe(second!.at);
  });

  it('attaches a trend to the post only when the latest summary is clearly worse than the earlier ones', async () => {
    const runtime = new FakeRuntime({ name: 'lab' });
    const store = new HealthStore(redis);
    const process = createHealthProcessor({ runtime, queues, store });
    const data = { cluster: 'lab', channel: 'C0TREND', requestedBy: 'U0ASKER' };
    for (let i = 0; i < 3; i++) await process(job(data));
    expect((await postedHealth('C0TREND')).every((p) => p.data.trend === undefined)).toBe(true);
    expect(await store.trend('lab', 'C0TREND')).toHaveLength(3);
    runtime.healthServfail = 60; // the upstream starts failing: 60 of 160 responses since the previous summary
    await process(job(data));
    const last = (await postedHealth('C0TREND')).at(-1)!.data;
    expect(last.trend).toMatchObject({ title: 'lab: SERVFAIL share of responses', label: 'SERVFAIL share of responses' });
    expect(last.trend!.series[0]!.values.map((v) => Math.round(v ?? -1))).toEqual([0, 0, 0, 38]);
    expect(last.trend!.unit).toBe('%');
    expect(last.trend!.threshold?.value).toBeGreaterThan(0);
    expect(last.recent).toHaveLength(4);
    expect(last.trend!.why).toContain('SERVFAIL share of responses is 37.5%');
  });

  it('keeps the newest snapshot when runs finish out of order, and ignores unreadable JSON', async () => {
    const store = new HealthStore(redis);
    const snap = (at: string) => ({ at, metrics: {}, restarts: {} });
    expect(await store.save('c1', 'C1', snap('2026-01-02T00:00:00.000Z'))).toBe(true);
    expect(await store.save('c1', 'C1', snap('2026-01-01T00:00:00.000Z'))).toBe(false);
    expect((await store.previous('c1', 'C1'))!.at).toBe('2026-01-02T00:00:00.000Z');
    await redis.set(HealthStore.keyFor('c1', 'C2'), '{not json');
    expect(await store.previous('c1', 'C2')).toBeUndefined();
  });

  it('upserts a channel\'s job scheduler idempotently (one per channel, tz UTC) and removes it', async () => {
    const queue = queues.cluster('lab');
    const id = healthSchedulerId('C0HEALTH');
    expect(isValidJobId(id)).toBe(true);
    const daily = parseScheduleSpec('daily 09:30');
    const cron = parseScheduleSpec('*/30 * * * *');
    if (!daily.ok || !cron.ok) throw new Error('schedule specs must parse');
    const template = { name: clusterJobNames.health, data: { cluster: 'lab', channel: 'C0HEALTH', requestedBy: 'U0ASKER' } };
    await queue.upsertJobScheduler(id, { pattern: daily.spec.pattern, tz: 'UTC' }, template);
    await queue.upsertJobScheduler(id, { pattern: daily.spec.pattern, tz: 'UTC' }, template);
    let list = await queue.getJobSchedulers();
    expect(list.map((s) => [s.key, s.pattern, s.tz])).toEqual([[id, '30 9 * * *', 'UTC']]);
    // BullMQ's next run is the one parseScheduleSpec announces (both use cron-parser in UTC).
    const now = parseScheduleSpec('daily 09:30', new Date());
    expect(now.ok && new Date(list[0]!.next!).toISOString()).toBe(now.ok && now.spec.next);
    // Scheduling again replaces the pattern, still one scheduler, and the next job carries the data.
    await queue.upsertJobScheduler(id, { pattern: cron.spec.pattern, tz: 'UTC' }, template);
    list = await queue.getJobSchedulers();
    expect(list.map((s) => [s.key, s.pattern])).toEqual([[id, '*/30 * * * *']]);
    const delayed = (await queue.getJobs(['delayed'])).filter((j) => j.name === clusterJobNames.health);
    expect(delayed.map((j) => j.data)).toEqual([template.data]);
    expect(await queue.removeJobScheduler(id)).toBe(true);
    expect(await queue.removeJobScheduler(id)).toBe(false);
    expect(await queue.getJobSchedulers()).toEqual([]);
  });
});
