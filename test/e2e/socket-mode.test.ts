/**
 * Socket Mode: with an app token the app opens a connection through apps.connections.open on the
 * emulator, gets `hello`, acks pushed slash-command envelopes by envelope_id, and runs the same
 * flow as HTTP mode. Fake diagnosis (mocked cluster), real redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/ids.js';
import { blockActionsPayload } from '../../src/emulators/slack/signed-request.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { approver, buttons, channel, requester, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

function slashPayload(text: string, user: string) {
  return { token: 'x', team_id: 'T0EMULATOR', team_domain: 'emulator', channel_id: channel, channel_name: 'incident', user_id: user, user_name: user, command: '/dns', text, api_app_id: 'A0DNSWHY', response_url: 'http://127.0.0.1:9/response', trigger_id: '1.2.3' };
}

describe('Socket Mode against the emulator, fake diagnosis (mocked cluster)', () => {
  let h: Harness;
  let runtime: FakeRuntime;

  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab' });
    h = await startHarness({ runtime, socketMode: true });
    await h.slack.socket.connected();
  });
  afterAll(async () => h?.stop());

  it('connects with the app token through apps.connections.open', () => {
    const open = h.slack.callsOf('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]!.token).toBe('xapp-emulator');
    expect(h.slack.socket.connections).toBe(1);
    expect(h.bot.eventsUrl).toBeUndefined();
  });

  it('acks a usage error with an ephemeral payload on the envelope', async () => {
    const ack = await h.slack.socket.push('slash_commands', slashPayload('why nothing', requester));
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack.payload)).toContain('Example');
  });

  it('runs /dns why and a button click over the socket', async () => {
    const ack = await h.slack.socket.push('slash_commands', slashPayload('why default/web-7d9 s3.cloud-b.example', requester));
    expect(ack.envelope_id).toBeTruthy();
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    const fix = await h.slack.waitFor('fix', () => h.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.approveFix]));
    const click = await h.slack.socket.push('interactive', blockActionsPayload({ user: approver, channel, messageTs: fix.ts, threadTs: parent.ts, actionId: actionIds.approveFix, value: buttons(fix)[actionIds.approveFix]! }));
    expect(click.envelope_id).toBeTruthy();
    await h.slack.waitFor('applied', () => h.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.rollbackFix]));
    expect(runtime.applies).toBe(1);
  });
});
