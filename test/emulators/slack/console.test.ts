/**
 * The terminal console of `dnswhy serve --emulator`: typed lines become signed requests, posts are
 * printed with numbered buttons, and `click N` presses one. Fake diagnosis (mocked cluster).
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmulatorConsole } from '../../../src/emulators/slack/console.js';
import { FakeRuntime } from '../../jobs/helpers/fake-runtime.js';
import { approver, requester, secret, startHarness, type Harness } from '../../slack/helpers/bot-harness.js';

describe('emulator console with a fake diagnosis (mocked cluster)', { timeout: 60_000 }, () => {
  let h: Harness;
  let runtime: FakeRuntime;
  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab' });
    h = await startHarness({ runtime });
  });
  afterAll(async () => h?.stop());

  it('sends /dns why, shows the thread with numbered buttons, and clicks one', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d) => (out += d.toString()));
    const done = runEmulatorConsole({ emulator: h.slack, eventsUrl: h.bot.eventsUrl!, signingSecret: secret, input, output, user: requester, channel: 'C0CONSOLE' });
    input.write('/dns help\n');
    await h.slack.waitFor('help shown', () => out.includes('(only you see)') || undefined);
    input.write('/dns why default/web-7d9 s3.cloud-b.example\n');
    await h.slack.waitFor('buttons shown', () => /\[(\d+)\] Approve & apply/.test(out) || undefined);
    const n = /\[(\d+)\] Approve & apply/.exec(out)![1];
    // The parent is updated in place with the verdict, possibly before the console first prints it.
    expect(out).toMatch(/● (:mag: Diagnosing|:x: \*Broken:\*) `s3\.cloud-b\.example`/);
    expect(out).toContain('└');
    input.write(`as ${approver}\n`);
    input.write(`click ${n}\n`);
    await h.slack.waitFor('applied shown', () => out.includes('Applied *') || undefined, 20_000);
    expect(runtime.applies).toBe(1);
    input.write('nonsense\n');
    input.end();
    await done;
    expect(out).toContain('commands: /dns …, click N, as USER');
  });
});
