/**
 * Delivery: a Slack outage while the report is posted is retried by the post job without
 * re-running the diagnosis, and a report too big for one message is split and its full evidence
 * uploaded with files.uploadV2, every message accepted by the emulator's Block Kit checks.
 * Fake diagnosis (mocked cluster), real redis-server, BullMQ and the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { channel, messageText, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

describe('report delivery with a fake diagnosis (mocked cluster)', { timeout: 60_000 }, () => {
  let h: Harness;
  let runtime: FakeRuntime;

  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab', extraFindings: 30 });
    h = await startHarness({ runtime });
  });
  afterAll(async () => h?.stop());

  it('retries a failed post without re-running the diagnosis, then splits a long report and uploads the evidence', async () => {
    expect((await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: requester, channel }))).status).toBe(200);
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    await h.slack.waitFor('progress message', () => h.slack.thread(channel, parent.ts).length >= 2 || undefined);
    // Slack fails the next two postMessage calls (the report): the post job must retry.
    h.slack.inject('chat.postMessage', 2, { error: 'internal_error' });
    const file = await h.slack.waitFor('evidence file', () => h.slack.thread(channel, parent.ts).find((m) => m.files), 40_000);
    expect(h.slack.callsOf('chat.postMessage').filter((c) => c.error === 'internal_error')).toHaveLength(2);
    expect(runtime.diagnoses).toBe(1);
    const thread = h.slack.thread(channel, parent.ts);
    const parts = thread.filter((m) => m.text.startsWith('Broken:'));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((m) => (m.blocks ?? []).length <= 50)).toBe(true);
    expect(new Set(parts.map((m) => m.text)).size).toBe(parts.length);
    expect(messageText(parts.at(-1)!).includes('the complete report is attached')).toBe(true);
    expect(JSON.parse(file.files![0]!.content)).toMatchObject({ name: 's3.cloud-b.example', findings: expect.any(Array) });
    expect(JSON.parse(file.files![0]!.content).findings).toHaveLength(31);
    // Nothing was rejected by the emulator's Block Kit checks.
    expect(h.slack.calls.filter((c) => c.error === 'invalid_blocks')).toEqual([]);
  });
});
