/**
 * Redis as users run it: proposals, schedules and the post ledger live only in Redis, so they must
 * survive a Redis restart. With AOF on (appendonly yes, appendfsync everysec), a redis-server killed
 * (SIGKILL) in the middle of a diagnosis and started again on the same data directory loses no
 * proposal, schedule or ledger entry: the running diagnosis answers once, the earlier proposal is
 * still approvable and applies once. Without persistence the same restart forgets them, which is
 * what readiness warns about.
 *
 * Real redis-server (restarted), BullMQ, the app in HTTP mode and the Slack emulator; the cluster
 * worker runs a fake diagnosis (mocked cluster).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { actionIds } from '../../src/slack/ids.js';
import { blockActionsBody, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import { redisPersistence } from '../../src/store/redis-readiness.js';
import { healthSchedulerId } from '../../src/slack/flows/schedule-health.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { approver, buttons, messageText, requester, startHarness, secret, type Harness } from '../slack/helpers/bot-harness.js';
import { startRedis } from '../helpers/redis-server.js';

const first = 'C0RESTART1';
const second = 'C0RESTART2';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/**
 * What must outlive a restart: proposals, the post ledger, the fingerprint ledger (dedupe), stored
 * reports, the replay guard's seen signatures, and the schedulers of the lab queue. (Running-diagnosis
 * markers and heartbeats come and go with the flow and are left out.)
 */
const durablePrefixes = ['proposal', 'posted', 'fp', 'report', 'sig'];
async function durableState(hh: Harness): Promise<{ keys: string[]; schedulers: string[] }> {
  const keys = (await Promise.all(durablePrefixes.map((p) => hh.redis.keys(`dnswhy:${p}:*`)))).flat().sort();
  const schedulers = (await hh.queues.cluster('lab').getJobSchedulers()).map((s) => s.key).sort();
  return { keys, schedulers };
}

describe('Redis restart mid-flow (real redis-server, fake diagnosis over a mocked cluster)', { timeout: 90_000 }, () => {
  const ask = (hh: Harness, text: string, channel: string, user = requester) => sendSigned(hh.bot.eventsUrl!, secret, slashCommandBody({ text, user, channel }));
  const parentOf = (hh: Harness, channel: string) => hh.slack.waitFor(`parent in ${channel}`, () => hh.slack.messages.find((m) => m.channel === channel && !m.threadTs), 20_000);
  const reportIn = (hh: Harness, channel: string, parentTs: string) => hh.slack.waitFor(`report in ${channel}`, () => hh.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.approveFix]), 40_000);

  /** A proposal (answered diagnosis), a schedule, and a second diagnosis running when this returns. */
  async function midFlow(hh: Harness, runtime: FakeRuntime): Promise<{ proposalId: string; fixTs: string; parentTs: string }> {
    await ask(hh, 'why default/web-7d9 s3.cloud-b.example', first);
    const parent = await parentOf(hh, first);
    const fix = await reportIn(hh, first, parent.ts);
    await ask(hh, 'schedule 0 6 * * * lab', first, approver);
    await hh.slack.waitFor('schedule notice', () => hh.slack.messages.find((m) => m.text.includes('scheduled a DNS health summary')));
    await ask(hh, 'why payments/api-7f9 s3.cloud-b.example', second);
    await hh.slack.waitFor('second diagnosis running', () => (runtime.diagnoses >= 2 ? true : undefined), 20_000);
    return { proposalId: buttons(fix)[actionIds.approveFix]!, fixTs: fix.ts, parentTs: parent.ts };
  }

  it('with AOF, a SIGKILLed and restarted Redis loses no proposal, schedule or ledger entry; the running diagnosis answers once and the proposal applies once', async () => {
    const runtime = new FakeRuntime({ name: 'lab', delayMs: 2500 });
    const hh = (h = await startHarness({ runtime, redis: { aof: true } }));
    expect((await redisPersistence(hh.redis)).ok).toBe(true);
    const { proposalId, fixTs, parentTs } = await midFlow(hh, runtime);
    const before = await durableState(hh);
    expect(before.schedulers).toContain(healthSchedulerId(first));
    expect(before.keys).toContain(`dnswhy:proposal:${proposalId}`);
    for (const p of durablePrefixes) expect(before.keys.some((k) => k.startsWith(`dnswhy:${p}:`)), p).toBe(true);

    await hh.redisServer.restart('kill');

    // The diagnosis that was running when Redis died answers, once.
    const parent2 = await parentOf(hh, second);
    const report2 = await reportIn(hh, second, parent2.ts);
    expect(messageText(report2)).toContain('payments/api-7f9');
    const after = await durableState(hh);
    expect(before.keys.filter((k) => !after.keys.includes(k))).toEqual([]);
    expect(after.schedulers).toEqual(before.schedulers);
    expect((await new ProposalStore(hh.redis).get(proposalId))?.status).toBe('pending');

    // The proposal made before the restart is still approvable, and applies once.
    const click = () => sendSigned(hh.bot.eventsUrl!, secret, blockActionsBody({ user: approver, channel: first, messageTs: fixTs, threadTs: parentTs, actionId: actionIds.approveFix, value: proposalId }));
    await Promise.all([click(), click()]);
    await hh.slack.waitFor('apply result', () => hh.slack.thread(first, parentTs).find((m) => buttons(m)[actionIds.rollbackFix]), 30_000);
    expect(runtime.applies).toBe(1);
    expect((await new ProposalStore(hh.redis).get(proposalId))?.status).toBe('applied');

    // Nothing was posted twice: one parent per channel, one report per thread, every post key once.
    for (const [channel, ts] of [[first, parentTs], [second, parent2.ts]] as const) {
      expect(hh.slack.messages.filter((m) => m.channel === channel && !m.threadTs && m.text.includes('s3.cloud-b.example'))).toHaveLength(1);
      expect(hh.slack.thread(channel, ts).filter((m) => messageText(m).includes('Recommended fix:*'))).toHaveLength(1);
    }
    expect(hh.slack.thread(first, parentTs).filter((m) => m.text.startsWith('applied:'))).toHaveLength(1);
    const keys = hh.slack.messages.map((m) => m.metadata?.event_payload.key).filter((k): k is string => typeof k === 'string');
    expect(new Set(keys).size).toBe(keys.length);
    // The running job's lock may lapse while Redis is down (a renewal that fails is not retried
    // before the next one): the job may then run again, but its posts are keyed and land once.
    expect(runtime.diagnoses).toBeGreaterThanOrEqual(2);
  });

  it('without persistence the same restart forgets the proposal and the schedule, and readiness says so', async () => {
    const runtime = new FakeRuntime({ name: 'lab', delayMs: 500 });
    const hh = (h = await startHarness({ runtime }));
    const warning = await redisPersistence(hh.redis);
    expect(warning.ok).toBe(false);
    expect(warning.detail).toContain('keeps nothing on disk');
    const { proposalId } = await midFlow(hh, runtime);
    await hh.redisServer.restart();
    for (let i = 0; i < 100 && (await hh.redis.ping().catch(() => '')) !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await new ProposalStore(hh.redis).get(proposalId)).toBeUndefined();
    expect((await durableState(hh)).schedulers).toEqual([]);
  });

  it('readiness tells RDB-only snapshots from AOF and from nothing on disk (real redis-server, CONFIG SET)', async () => {
    const server = await startRedis();
    const redis = new Redis(server.url);
    try {
      expect(await redisPersistence(redis)).toMatchObject({ ok: false });
      await redis.config('SET', 'save', '3600 1');
      expect((await redisPersistence(redis)).detail).toContain('RDB snapshots only');
      await redis.config('SET', 'appendonly', 'yes');
      expect(await redisPersistence(redis)).toMatchObject({ ok: true, detail: expect.stringContaining('AOF on') });
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
