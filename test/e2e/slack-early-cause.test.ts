/**
 * The cause before the report: when the diagnosis finds a cause while its slowest probes still run
 * (run-diagnosis.ts, onEarlyCauses), the progress message names it at once, with its check's
 * documentation, and the report follows in its own message. Real redis-server, BullMQ, the app in
 * HTTP mode and the Slack emulator; the worker runs a fake diagnosis (mocked cluster) that tells
 * its cause early and holds the report 1.5 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/ids.js';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { buttons, channel, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

describe('the cause told before the report (fake diagnosis, mocked cluster)', { timeout: 60_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ runtime: new FakeRuntime({ name: 'lab', earlyCauseHoldMs: 1500 }), channelIntervalMs: 0 });
  });
  afterAll(async () => h?.stop());

  it('updates the progress message with the cause and its docs while the probes run, then posts the report once', async () => {
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: requester, channel }));
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    const progress = await h.slack.waitFor('progress', () => h.slack.thread(channel, parent.ts)[1]);
    const early = await h.slack.waitFor('the cause in the progress message', () =>
      h.slack.callsOf('chat.update').find((c) => c.ok && c.args.ts === progress.ts && String(c.args.text).includes('found so far: The upstream answers a public address the pod cannot reach')),
    );
    expect(JSON.stringify(early.args.blocks)).toContain('https://example.org/checks/upstream-split-horizon|About upstream-split-horizon');
    // Told before the report exists: the report is held 1.5 s after the cause.
    expect(h.slack.thread(channel, parent.ts).some((m) => buttons(m)[actionIds.approveFix])).toBe(false);
    await h.slack.waitFor('report', () => h.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.approveFix]), 20_000);
    // The final progress state says done and no longer "found so far"; one report message.
    await h.slack.waitFor('progress done', () => (h.slack.messages.find((m) => m.ts === progress.ts)!.text.includes('Done in') ? true : undefined));
    expect(h.slack.thread(channel, parent.ts).filter((m) => buttons(m)[actionIds.approveFix])).toHaveLength(1);
  });
});
