/**
 * Slack unreachable while the bot runs: the app reports not-ready with the reason, logs the problem
 * once per interval, delivers what the workers produced meanwhile once Slack is back (once each),
 * and recovers by itself. Real redis-server, the Slack emulator (its outage resets every
 * connection, as an unreachable Slack does), the app in HTTP mode and a worker over a fake
 * diagnosis (mocked cluster).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readiness } from '../../src/ops/readiness.js';
import { actionIds } from '../../src/slack/ids.js';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { buttons, channel, messageText, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';
import { capturedLog } from '../slack/helpers/captured-log.js';

describe('Slack unreachable while the bot runs (fake diagnosis, mocked cluster)', { timeout: 60_000 }, () => {
  let h: Harness;
  let runtime: FakeRuntime;
  const readiness = new Readiness();
  const log = capturedLog('info');

  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab', delayMs: 2500 });
    h = await startHarness({ runtime, readiness, log: log.logger, slackRetry: { minDelayMs: 200, maxDelayMs: 800, logIntervalMs: 60_000 } });
  });
  afterAll(async () => h?.stop());

  const slackCondition = async () => (await readiness.report()).conditions.find((c) => c.name === 'slack')!;

  it('is ready with Slack auth verified', async () => {
    const c = await slackCondition();
    expect(c).toMatchObject({ ok: true, required: true });
    expect(c.detail).toContain('auth.test ok');
  });

  it('delivers the report made during an outage afterwards, once, and is not ready meanwhile', async () => {
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: requester, channel }));
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    await h.slack.waitFor('diagnosis running', () => runtime.diagnoses === 1 || undefined);
    h.slack.outage(true);
    const callsBefore = h.slack.calls.length;
    // The diagnosis finishes while Slack is down: its report waits in the post queue.
    const down = await waitUntil(async () => {
      const c = await slackCondition();
      return c.ok ? undefined : c;
    }, 15_000);
    expect(down.detail).toMatch(/cannot reach Slack|auth.test/);
    expect((await readiness.report()).ready).toBe(false);
    await new Promise((r) => setTimeout(r, 4000));
    expect(h.slack.calls.length).toBe(callsBefore);
    const warnings = log.lines().filter((l) => l.msg === 'Slack Web API unavailable: retrying with backoff; posts wait in the queue');
    expect(warnings).toHaveLength(1);

    h.slack.outage(false);
    const fix = await h.slack.waitFor('fix proposal after the outage', () => h.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.approveFix]), 20_000);
    expect(fix).toBeDefined();
    await waitUntil(async () => ((await slackCondition()).ok ? true : undefined), 10_000);
    expect((await readiness.report()).ready).toBe(true);
    const back = log.lines().find((l) => l.msg === 'Slack is reachable again');
    expect(back?.failedAttempts).toBeGreaterThanOrEqual(2);
    const thread = h.slack.thread(channel, parent.ts);
    expect(thread.filter((m) => messageText(m).includes('Recommended fix:*'))).toHaveLength(1);
    // Every keyed post exists once.
    const keys = thread.map((m) => m.metadata?.event_payload.key).filter((k): k is string => typeof k === 'string');
    expect(new Set(keys).size).toBe(keys.length);
    // The report's delivery used no retry attempt for the outage (it waited instead).
    let report;
    for (let i = 0; i < 200 && !report; i++) {
      report = (await h.queues.post.getJobs(['completed'])).find((j) => j.data.kind === 'report');
      if (!report) await new Promise((r) => setTimeout(r, 50));
    }
    expect(report?.attemptsMade).toBeDefined();
    expect(report!.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('acks a /dns why asked while Slack is down, and posts its thread once when Slack is back', async () => {
    const channelDown = 'C0ASKEDDOWN';
    h.slack.outage(true);
    const res = await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 down.cloud-b.example', user: requester, channel: channelDown }));
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    // The start's first post finds Slack unreachable: the app is not ready, the start waits.
    await waitUntil(async () => ((await slackCondition()).ok ? undefined : true), 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.slack.messages.filter((m) => m.channel === channelDown)).toHaveLength(0);
    h.slack.outage(false);
    const fix = await h.slack.waitFor('the report after the outage', () => h.slack.messages.find((m) => m.channel === channelDown && m.threadTs && buttons(m)[actionIds.approveFix]), 30_000);
    const parents = h.slack.messages.filter((m) => m.channel === channelDown && !m.threadTs);
    expect(parents).toHaveLength(1);
    const thread = h.slack.thread(channelDown, parents[0]!.ts);
    // Parent, progress, report: each once.
    expect(thread).toHaveLength(3);
    expect(thread[2]!.ts).toBe(fix.ts);
    expect(runtime.diagnoses).toBe(2);
  });
});

async function waitUntil<T>(pred: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await pred();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
