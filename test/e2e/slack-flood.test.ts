/**
 * A flood of questions: 200 different `/dns why` from one channel (10 people, 20 each) arrive
 * while the cluster's queue is held (paused in Redis, as if its workers were busy elsewhere). Every asker hears something clear: a
 * thread whose progress message says "position K in line", or, past the per-user limit, an
 * ephemeral ack naming the limit. Once the workers run, every queued question is answered and
 * the cluster never runs more diagnoses at once than its cap, although its two workers could run
 * eight. A latecomer is not queued behind the flooders' refused questions.
 *
 * Real redis-server, BullMQ workers and the embedded lab (seed 000) diagnosed by the real
 * orchestrator; Slack is mocked by the emulator (rate limits raised: this test is about the queue,
 * the poster's pacing has its own tests).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterWorker, type RunningWorker } from '../../jobs/cluster-worker.js';
import { openClusterRuntime, type OpenedRuntime } from '../../jobs/open-cluster-runtime.js';
import { bullConnection } from '../../src/queue/connection.js';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { countingDiagnoses, watchProbePods } from './helpers/flood-counters.js';
import { approver, approver2, channel, groupMember, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

const scenario = join(import.meta.dirname, '..', '..', 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const pod = 'mos/mos-model-6c9f7b5d8-x2k4p';
const perUser = 3;
const cap = 2;
const people = Array.from({ length: 10 }, (_, i) => `U0FLOOD${String(i).padStart(2, '0')}`);
const perPerson = 20;
const latecomer = 'U0LATE';

describe(`a flood of 200 /dns why from one channel (lab, Slack emulator: mocked Slack; cap ${cap}, ${perUser} per person)`, { timeout: 300_000 }, () => {
  let h: Harness;
  let lab: OpenedRuntime;
  let counts: ReturnType<typeof countingDiagnoses>['counts'];
  let probes: ReturnType<typeof watchProbePods>;
  let second: RunningWorker;
  const ask = (user: string, name: string) => sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: `why ${pod} ${name}`, user, channel }));
  const positionUpdates = () =>
    h.slack
      .callsOf('chat.update')
      .map((c) => ({ ts: String(c.args.ts), m: /queued, position (\d+)$/.exec(String(c.args.text)) }))
      .filter((x) => x.m)
      .map((x) => ({ ts: x.ts, position: Number(x.m![1]) }));
  const progressOf = (parentTs: string) => h.slack.thread(channel, parentTs)[1];
  let firstProbePods = 0;

  beforeAll(async () => {
    lab = await openClusterRuntime({ name: 'lab', lab: scenario, burst: { count: 5, concurrency: 5 } });
    const c = countingDiagnoses(lab);
    counts = c.counts;
    probes = watchProbePods(lab.lab!);
    const users = Object.fromEntries([approver, approver2, requester, groupMember, latecomer, ...people].map((u) => [u, u.toLowerCase()]));
    h = await startHarness({
      runtime: c.runtime,
      emulator: { users, rateLimits: { channelBurst: 10_000, channelPerSecond: 10_000, tierPerMinute: { 1: 10_000, 2: 100_000, 3: 100_000, 4: 100_000 } } },
      channelIntervalMs: 0,
      workerConcurrency: 4,
      maxRunning: cap,
      maxDiagnosesPerUser: perUser,
    });
    second = await startClusterWorker({ connection: bullConnection(h.redisServer.url), redis: h.redis, queues: h.queues, runtime: c.runtime, cluster: 'lab', concurrency: 4, maxRunning: cap, log: h.bot.deps.log, heartbeatMs: 1000, progressIntervalMs: 0 });
    // One question alone first: how many probe pods one diagnosis of this pod has alive at once.
    await ask(requester, 'warm-up.example');
    await h.slack.waitFor('warm-up answered', () => counts.done === 1 && h.slack.messages.some((m) => m.text.includes('Done in')), 60_000);
    firstProbePods = probes.stats.max;
    probes.reset();
    counts.max = 0;
  }, 120_000);
  afterAll(async () => {
    await second?.close(2000);
    await h?.stop();
  });

  it('gives every one of the 200 askers a place in line or a clear per-user refusal, and each person at most 3 places', async () => {
    expect(firstProbePods).toBeGreaterThan(0);
    // Held: nothing starts until the flood is in (a paused queue hands out no job; its line still counts).
    await h.queues.cluster('lab').pause();
    const asks = people.flatMap((u, p) => Array.from({ length: perPerson }, (_, i) => ({ user: u, name: `svc-${p}-${i}.example.com` })));
    const acks: { user: string; status: number; body: string }[] = [];
    for (let i = 0; i < asks.length; i += 25) {
      const res = await Promise.all(asks.slice(i, i + 25).map(async (a) => ({ user: a.user, ...(await ask(a.user, a.name)) })));
      expect(res.every((r) => r.status === 200)).toBe(true);
      acks.push(...res);
    }
    const accepted = people.length * perUser;
    const parents = await h.slack.waitFor('every accepted question has a thread with its place in line', () => {
      const ps = h.slack.messages.filter((m) => m.channel === channel && !m.threadTs && asks.some((a) => m.text.includes(a.name)));
      return ps.length === accepted && positionUpdates().length === accepted ? ps : undefined;
    }, 120_000);
    // Refused in the ack itself (ephemeral, not rate-limited by Slack), not by a post queued behind the accepted threads.
    const refusals = acks
      .filter((r) => r.body)
      .map((r) => ({ user: r.user, ...(JSON.parse(r.body) as { response_type: string; text: string }) }))
      .filter((r) => r.text.includes('the most one person may have at once'));
    expect(refusals).toHaveLength(asks.length - accepted);
    expect(refusals.every((r) => r.response_type === 'ephemeral')).toBe(true);
    expect(h.slack.ephemerals.filter((e) => e.text.includes('the most one person may have at once'))).toEqual([]);
    for (const r of refusals) expect(r.text).toMatch(/You already have 3 diagnoses queued or running, the most one person may have at once \(3\)\. Ask again when one of them has answered; `svc-\d+-\d+\.example\.com` was not queued\./);
    // Every asker heard exactly once: a thread of their own, or a refusal naming their question.
    for (const a of asks) {
      const threads = parents.filter((m) => m.text.startsWith(`Diagnosing ${a.name} from`));
      const refused = refusals.filter((r) => r.user === a.user && r.text.includes(`\`${a.name}\``));
      expect(threads.length + refused.length, a.name).toBe(1);
    }
    for (const u of people) expect(parents.filter((m) => m.text.includes(`<@${u}>`)).length, u).toBe(perUser);
    // Places in line: each queued progress message told its own, 1…30 with none twice.
    const updates = positionUpdates();
    expect(updates.map((u) => u.position).sort((a, b) => a - b)).toEqual(Array.from({ length: accepted }, (_, i) => i + 1));
    expect(new Set(updates.map((u) => u.ts)).size).toBe(accepted);
    expect(parents.every((p) => updates.some((u) => u.ts === progressOf(p.ts)?.ts))).toBe(true);
  });

  it('is not starved by the flood: a latecomer is queued right behind the 30 accepted questions, not the 200 asked', async () => {
    await ask(latecomer, 'late.example.com');
    const parent = await h.slack.waitFor('latecomer thread', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs && m.text.includes('late.example.com')));
    const update = await h.slack.waitFor('latecomer place', () => positionUpdates().find((u) => u.ts === progressOf(parent.ts)?.ts));
    expect(update.position).toBe(people.length * perUser + 1);
  });

  it(`answers every queued question once the workers run, never more than ${cap} diagnoses (nor their probe pods) at once across two workers of concurrency 4`, async () => {
    await h.queues.cluster('lab').resume();
    const total = people.length * perUser + 1;
    await h.slack.waitFor('every queued question answered', () => {
      const done = h.slack.messages.filter((m) => m.channel === channel && m.threadTs && m.text.includes('Done in'));
      return done.length === total + 1 ? done : undefined; // + the warm-up
    }, 240_000);
    expect(counts.done).toBe(total + 1);
    expect(counts.max).toBe(cap);
    expect(probes.stats.max).toBeGreaterThan(0);
    expect(probes.stats.max).toBeLessThanOrEqual(cap * firstProbePods);
    // Each asker's places came back as their diagnoses finished.
    for (const u of people) expect(await h.bot.deps.running.inFlight(u)).toBe(0);
  });
});
