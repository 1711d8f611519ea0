/**
 * Delivery: a Slack outage while the report is posted is retried by the post job without
 * re-running the diagnosis; a report with more causes than one message holds stays one message
 * (the rest named in a line), and its details, too long for a message, are uploaded whole with
 * files.uploadV2 when Show details is pressed; every message is accepted by the emulator's Block
 * Kit checks. Fake diagnosis (mocked cluster), real redis-server, BullMQ and the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsBody, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { actionIds } from '../../src/slack/ids.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { buttons, channel, messageText, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

describe('report delivery with a fake diagnosis (mocked cluster)', { timeout: 60_000 }, () => {
  let h: Harness;
  let runtime: FakeRuntime;

  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab', extraFindings: 30 });
    h = await startHarness({ runtime });
  });
  afterAll(async () => h?.stop());

  it('retries a failed post without re-running the diagnosis, keeps a long report in one message, and uploads the long details whole', async () => {
    expect((await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: requester, channel }))).status).toBe(200);
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    await h.slack.waitFor('progress message', () => h.slack.thread(channel, parent.ts).length >= 2 || undefined);
    // Slack fails the next two postMessage calls (the report): the post job must retry.
    h.slack.inject('chat.postMessage', 2, { error: 'internal_error' });
    const report = await h.slack.waitFor('report', () => h.slack.thread(channel, parent.ts).find((m) => m.threadTs && m.text.startsWith('Broken:')), 40_000);
    expect(h.slack.callsOf('chat.postMessage').filter((c) => c.error === 'internal_error')).toHaveLength(2);
    expect(runtime.diagnoses).toBe(1);
    const parts = h.slack.thread(channel, parent.ts).filter((m) => m.threadTs && m.text.startsWith('Broken:'));
    expect(parts).toHaveLength(1);
    expect((report.blocks ?? []).length).toBeLessThanOrEqual(50);
    expect(messageText(report)).toMatch(/\d+ more causes/);
    await sendSigned(h.bot.eventsUrl!, secret, blockActionsBody({ user: requester, channel, messageTs: report.ts, actionId: actionIds.showDetails, value: buttons(report)[actionIds.showDetails]! }));
    const file = await h.slack.waitFor('details file', () => h.slack.thread(channel, parent.ts).find((m) => m.files), 40_000);
    const content = file.files![0]!.content;
    expect(content).toContain('s3.cloud-b.example');
    expect(content.match(/^### (ERROR|WARN|INFO): /gm)).toHaveLength(31);
    expect(content).toContain('[e1]');
    // Nothing was rejected by the emulator's Block Kit checks.
    expect(h.slack.calls.filter((c) => c.error === 'invalid_blocks')).toEqual([]);
  });
});
