/**
 * Fuzzing what Slack sends, through the receiver into Bolt and our listeners (fast-check, seeded):
 * correctly signed button clicks, shortcuts, modal payloads, slash commands, events and broken
 * bodies, with fields missing, of the wrong type or random, some carrying a real proposal's ids.
 * Every request gets 200, a 400 naming the problem, or (nothing acknowledged it) the no-ack 404;
 * never a 500; no listener error that is not one of the typed (coded) errors; and the bot still
 * answers a real question afterwards. Real redis-server, app in HTTP mode, Slack emulator (mocked
 * Slack), fake diagnosis (mocked cluster).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../../src/slack/ids.js';
import { sendSigned, signedHeaders, slashCommandBody } from '../../../src/emulators/slack/signed-request.js';
import { FakeRuntime } from '../../jobs/helpers/fake-runtime.js';
import { approver, buttons, channel, requester, secret, startHarness, type Harness } from '../helpers/bot-harness.js';
import { capturedLog } from '../helpers/captured-log.js';

const cases = 400;
const seed = 13_1313;

describe(`fuzz: ${cases} signed Slack requests with missing, mistyped and random fields through the receiver (Slack emulator: mocked Slack; fake diagnosis, mocked cluster; seed ${seed})`, { timeout: 120_000 }, () => {
  let h: Harness;
  const log = capturedLog();
  const known = { proposal: '', parentTs: '', fixTs: '' };

  beforeAll(async () => {
    h = await startHarness({ runtime: new FakeRuntime({ name: 'lab' }), log: log.logger, channelIntervalMs: 0 });
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: requester, channel }));
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    const fix = await h.slack.waitFor('fix', () => h.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.approveFix]), 30_000);
    Object.assign(known, { proposal: buttons(fix)[actionIds.approveFix]!, parentTs: parent.ts, fixTs: fix.ts });
  }, 60_000);
  afterAll(async () => h?.stop());

  function arbitraries() {
    const text = fc.oneof(
      fc.string({ maxLength: 24 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('', ' ', 'U0APPROVER', requester, channel, 'C0ELSEWHERE', 'T0EMULATOR', known.proposal, `${known.proposal}x`, known.parentTs, known.fixTs, 'rep-00/0', '\u0000', 'x'.repeat(3000)),
    );
    const json = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 3 }));
    // Mostly well-formed, sometimes missing or of the wrong kind: deep enough to reach the listeners.
    const maybe = <T,>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 8 });
    const idObject = fc.oneof({ weight: 12, arbitrary: fc.record({ id: maybe(text), team_id: maybe(text) }, { requiredKeys: [] }) }, { weight: 1, arbitrary: json });
    const actionId = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...Object.values(actionIds), `${actionIds.approveFix}.2`) }, { weight: 1, arbitrary: text });
    const action = fc.record({ type: maybe(fc.constantFrom('button', 'static_select', 'overflow')), action_id: maybe(actionId), value: maybe(fc.oneof(fc.constant(known.proposal), text)), block_id: maybe(text), action_ts: maybe(text) }, { requiredKeys: [] });
    const interactive = fc.record(
      {
        type: fc.oneof({ weight: 6, arbitrary: fc.constant('block_actions') }, { weight: 1, arbitrary: fc.constantFrom('interactive_message', 'message_action', 'shortcut', 'view_submission', 'view_closed', 'block_suggestion', 'unknown_kind') }),
        user: maybe(idObject),
        team: maybe(idObject),
        channel: maybe(idObject),
        container: maybe(fc.record({ type: maybe(text), channel_id: maybe(fc.oneof(fc.constant(channel), text)), message_ts: maybe(fc.oneof(fc.constant(known.fixTs), text)), thread_ts: maybe(fc.oneof(fc.constant(known.parentTs), text)) }, { requiredKeys: [] })),
        message: maybe(fc.oneof({ weight: 12, arbitrary: fc.record({ ts: maybe(fc.oneof(fc.constant(known.fixTs), text)), thread_ts: maybe(fc.oneof(fc.constant(known.parentTs), text)) }, { requiredKeys: [] }) }, { weight: 1, arbitrary: json })),
        actions: maybe(fc.oneof({ weight: 12, arbitrary: fc.array(action, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: json })),
        view: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: json }),
        callback_id: maybe(text),
        trigger_id: maybe(text),
        response_url: maybe(fc.constantFrom('http://127.0.0.1:9/response', 'not a url')),
      },
      { requiredKeys: ['type'] },
    );
    const command = fc.record({
      command: fc.oneof({ weight: 5, arbitrary: fc.constant('/dns') }, { weight: 1, arbitrary: text }),
      text: fc.oneof(fc.constantFrom('why default/web-7d9 s3.cloud-b.example', 'why', 'help', 'clusters', 'schedules', 'schedule daily 25:00', 'unschedule lab <#C0X|x>', 'health nope'), text, fc.tuple(fc.constantFrom('why ', 'schedule ', 'health '), text).map(([a, b]) => a + b)),
      user_id: maybe(fc.oneof(fc.constantFrom(approver, requester), text)),
      channel_id: maybe(fc.oneof(fc.constant(channel), text)),
      team_id: maybe(text),
    }, { requiredKeys: ['command', 'text'] });
    const event = fc.record({ type: fc.constantFrom('event_callback', 'url_verification', 'app_rate_limited', 'nonsense'), event: maybe(json), challenge: maybe(json), team_id: maybe(text), event_id: maybe(text) }, { requiredKeys: ['type'] });
    const clean = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
    return fc.oneof(
      { weight: 6, arbitrary: interactive.map((p) => ({ kind: 'form' as const, form: { payload: JSON.stringify(clean(p)) } })) },
      { weight: 3, arbitrary: command.map((c) => ({ kind: 'form' as const, form: clean(c) as Record<string, string> })) },
      { weight: 1, arbitrary: event.map((e) => ({ kind: 'json' as const, json: clean(e) })) },
      { weight: 1, arbitrary: fc.oneof(text, fc.string({ maxLength: 200 })).map((raw) => ({ kind: 'form' as const, form: { payload: raw } })) },
      { weight: 1, arbitrary: fc.dictionary(text, text, { maxKeys: 4 }).map((form) => ({ kind: 'form' as const, form })) },
    );
  }

  it('answers each with 200, a 400 naming the problem or the no-ack 404, never a 500 or an untyped listener error, and keeps working', async () => {
    const inputs = fc.sample(arbitraries(), { numRuns: cases, seed });
    const statuses: Record<number, number> = {};
    // Concurrently in batches: a request nothing acknowledges waits out Slack's 3 seconds.
    for (let i = 0; i < inputs.length; i += 200) {
      await Promise.all(
        inputs.slice(i, i + 200).map(async (input, k) => {
          // A field of its own, so no two bodies (and signatures) are the same: the replay guard stays out of it.
          const body = input.kind === 'json' ? JSON.stringify({ ...input.json, fuzz_case: i + k }) : new URLSearchParams({ ...input.form, fuzz_case: String(i + k) }).toString();
          const headers = { ...signedHeaders(secret, body), ...(input.kind === 'json' ? { 'content-type': 'application/json' } : {}) };
          const answer = await fetch(h.bot.eventsUrl!, { method: 'POST', headers, body });
          const res = { status: answer.status, body: await answer.text() };
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          expect([200, 400, 404], `${res.status} ${res.body} for ${body.slice(0, 500)}`).toContain(res.status);
          if (res.status === 400) expect(res.body).toMatch(/^(malformed|incomplete-payload): \S/);
        }),
      );
    }
    const untyped = log.lines().filter((l) => l.msg === 'listener failed' || (l.msg === 'listener error' && (l.code === undefined || l.code === 'slack_bolt_unknown_error')));
    expect(untyped).toEqual([]);
    // The fuzz reached the listeners, not only the parser.
    expect(statuses[200] ?? 0).toBeGreaterThan(cases / 5);
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 after-fuzz.example', user: requester, channel }));
    await h.slack.waitFor('an answer after the fuzz', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs && m.text.includes('after-fuzz.example')));
  });
});
