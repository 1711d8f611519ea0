/**
 * HTTP mode request verification: only correctly signed, fresh, first-seen requests reach a
 * listener. Bolt app + our receiver + the Slack emulator (for auth.test); no Redis needed here
 * (the in-memory replay guard has the same contract as the Redis one, tested in e2e).
 */
import { createHmac } from 'node:crypto';
import { App, LogLevel } from '@slack/bolt';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders, slashCommandBody } from '../../../src/emulators/slack/signed-request.js';
import { startSlackEmulator, type SlackEmulator } from '../../../src/emulators/slack/slack-emulator.js';
import { MemoryReplayGuard } from '../../../src/slack/receiver/replay-guard.js';
import { VerifiedHttpReceiver } from '../../../src/slack/receiver/verified-http-receiver.js';

const secret = 'receiver-test-secret-abcdef';
const silent = { warn: () => undefined, error: () => undefined };

describe('VerifiedHttpReceiver', () => {
  let slack: SlackEmulator;
  let receiver: VerifiedHttpReceiver;
  let url: string;
  let handled = 0;

  beforeAll(async () => {
    slack = await startSlackEmulator();
    receiver = new VerifiedHttpReceiver({ signingSecret: secret, replayGuard: new MemoryReplayGuard(), logger: silent });
    const app = new App({ token: 'xoxb-emulator', receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } } });
    app.command('/dns', async ({ ack }) => {
      handled += 1;
      await ack();
    });
    await receiver.start(0, '127.0.0.1');
    url = `http://127.0.0.1:${receiver.port}/slack/events`;
  });
  afterAll(async () => {
    await receiver.stop();
    await slack.stop();
  });

  const post = (body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, text: await r.text() }));
  const body = (text = 'help') => slashCommandBody({ text, user: 'U1', channel: 'C1' });

  it('accepts a correctly signed request once', async () => {
    const before = handled;
    const b = body('help');
    const h = signedHeaders(secret, b);
    expect((await post(b, h)).status).toBe(200);
    expect(handled).toBe(before + 1);
    // The same bytes again: a replay.
    expect((await post(b, h)).status).toBe(401);
    expect(handled).toBe(before + 1);
    expect(receiver.refused.replayed).toBeGreaterThanOrEqual(1);
  });

  it('rejects a forged signature (wrong secret)', async () => {
    const b = body();
    expect((await post(b, signedHeaders('not-the-secret', b))).status).toBe(401);
    expect(receiver.refused['bad-signature']).toBeGreaterThanOrEqual(1);
  });

  it('rejects stale and future timestamps even when correctly signed', async () => {
    const now = Math.floor(Date.now() / 1000);
    const b = body();
    expect((await post(b, signedHeaders(secret, b, now - 310))).status).toBe(401);
    expect((await post(b, signedHeaders(secret, b, now + 310))).status).toBe(401);
    expect(receiver.refused.stale).toBe(2);
  });

  it('rejects a body changed after signing', async () => {
    const b = body('help');
    const h = signedHeaders(secret, b);
    expect((await post(body('clusters'), h)).status).toBe(401);
  });

  it('rejects missing headers and malformed timestamps', async () => {
    const b = body();
    expect((await post(b, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(401);
    const h = signedHeaders(secret, b);
    expect((await post(b, { ...h, 'x-slack-request-timestamp': 'yesterday' })).status).toBe(401);
    expect(receiver.refused['missing-headers']).toBeGreaterThanOrEqual(1);
    expect(receiver.refused['bad-timestamp']).toBeGreaterThanOrEqual(1);
  });

  it('answers 400 for a validly signed but malformed body, and 404/405 for wrong path or method', async () => {
    const b = 'payload=%7Bnot-json';
    expect((await post(b, signedHeaders(secret, b))).status).toBe(400);
    expect((await fetch(url.replace('/slack/events', '/other'), { method: 'POST' })).status).toBe(404);
    expect((await fetch(url, { method: 'GET' })).status).toBe(405);
  });

  it('answers url_verification with the challenge', async () => {
    const b = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' });
    const h = { ...signedHeaders(secret, b), 'content-type': 'application/json' };
    const res = await post(b, h);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'abc123' });
  });

  it('never runs a listener for generated bad requests (fast-check)', async () => {
    const before = handled;
    const badRequest = fc.oneof(
      // random signature over a random timestamp
      fc.record({ kind: fc.constant('random-sig'), sig: fc.string({ maxLength: 80 }), ts: fc.string({ maxLength: 14 }), text: fc.string({ maxLength: 40 }) }),
      // correct HMAC with the wrong secret
      fc.record({ kind: fc.constant('wrong-secret'), secret: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s !== secret), text: fc.string({ maxLength: 40 }) }),
      // correct secret, timestamp outside the window
      fc.record({ kind: fc.constant('stale'), skew: fc.oneof(fc.integer({ min: 310, max: 10 ** 7 }), fc.integer({ min: -(10 ** 7), max: -310 })), text: fc.string({ maxLength: 40 }) }),
      // correct signature over one body, another body sent
      fc.record({ kind: fc.constant('tampered'), text: fc.string({ maxLength: 40 }), extra: fc.string({ minLength: 1, maxLength: 10 }) }),
      // one hex digit of a correct signature flipped
      fc.record({ kind: fc.constant('bitflip'), text: fc.string({ maxLength: 40 }), pos: fc.integer({ min: 3, max: 66 }) }),
    );
    await fc.assert(
      fc.asyncProperty(badRequest, async (r) => {
        const b = body(r.text);
        let headers: Record<string, string>;
        let sent = b;
        switch (r.kind) {
          case 'random-sig':
            headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': r.sig.replace(/[^\x20-\x7e]/g, ''), 'x-slack-request-timestamp': r.ts.replace(/[^\x20-\x7e]/g, '') };
            break;
          case 'wrong-secret':
            headers = signedHeaders(r.secret, b);
            break;
          case 'stale':
            // A margin of 10 s over the window: the run takes time, and a timestamp must stay outside.
            headers = signedHeaders(secret, b, Math.floor(Date.now() / 1000) + r.skew);
            break;
          case 'tampered':
            headers = signedHeaders(secret, b);
            sent = b + encodeURIComponent(r.extra);
            break;
          case 'bitflip': {
            const ts = Math.floor(Date.now() / 1000);
            const good = 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${b}`).digest('hex');
            const c = good[r.pos]!;
            const flipped = good.slice(0, r.pos) + (c === '0' ? '1' : '0') + good.slice(r.pos + 1);
            headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': flipped };
            break;
          }
        }
        const res = await post(sent, headers);
        expect(res.status).toBe(401);
      }),
      { numRuns: 150 },
    );
    expect(handled).toBe(before);
  });
});
