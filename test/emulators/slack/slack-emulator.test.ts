/**
 * The Slack emulator checks what Slack checks. Driven through the real @slack/web-api client, as the
 * bot uses it, plus raw HTTP where the client would refuse to send a bad request itself.
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSlackEmulator, type SlackEmulator } from '../../../src/emulators/slack/slack-emulator.js';

describe('Slack Web API emulator', () => {
  let slack: SlackEmulator;
  let client: WebClient;

  beforeAll(async () => {
    slack = await startSlackEmulator({ botTokens: ['xoxb-emulator', 'xoxb-second'], users: { U1: 'ada' }, usergroups: { S1: ['U1', 'U2'] }, rateLimits: { channelBurst: 5, channelPerSecond: 1 } });
    client = new WebClient('xoxb-emulator', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  });
  afterAll(async () => slack.stop());

  const raw = (method: string, form: Record<string, string>, token?: string) =>
    fetch(`${slack.apiUrl}${method}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: new URLSearchParams(form).toString() }).then(async (r) => ({ status: r.status, headers: r.headers, json: (await r.json()) as Record<string, unknown> }));

  it('checks tokens: not_authed without one, invalid_auth for an unknown one, not_allowed_token_type for the wrong kind', async () => {
    expect((await raw('auth.test', {})).json.error).toBe('not_authed');
    expect((await raw('auth.test', {}, 'xoxb-nope')).json.error).toBe('invalid_auth');
    expect((await raw('chat.postMessage', { channel: 'C1', text: 'x' }, 'xapp-emulator')).json.error).toBe('not_allowed_token_type');
    expect((await raw('apps.connections.open', {}, 'xoxb-emulator')).json.error).toBe('not_allowed_token_type');
    expect((await client.auth.test()).user_id).toBe('U0DNSWHY');
  });

  it('checks required arguments', async () => {
    expect((await raw('chat.postMessage', { text: 'x' }, 'xoxb-emulator')).json.error).toBe('channel_not_found');
    expect((await raw('chat.postMessage', { channel: 'C2' }, 'xoxb-emulator')).json.error).toBe('no_text');
    expect((await raw('users.info', {}, 'xoxb-emulator')).json.error).toBe('invalid_arguments');
  });

  it('rejects invalid blocks with the reason', async () => {
    const long = { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } };
    await expect(client.chat.postMessage({ channel: 'C31', text: 't', blocks: [long] })).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    const r = await raw('chat.postMessage', { channel: 'C32', text: 't', blocks: JSON.stringify([long]) }, 'xoxb-emulator');
    expect((r.json.errors as string[])[0]).toContain('must be less than 3001 characters [json-pointer:/blocks/0/text/text]');
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(((await raw('chat.postMessage', { channel: 'C33', text: 't', blocks: JSON.stringify(many) }, 'xoxb-emulator')).json.errors as string[])[0]).toContain('no more than 50 items');
    const button = (text: string, value: string) => ({ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text }, value }] });
    expect(((await raw('chat.postMessage', { channel: 'C34', text: 't', blocks: JSON.stringify([button('x'.repeat(76), 'v')]) }, 'xoxb-emulator')).json.errors as string[])[0]).toContain('/blocks/0/elements/0/text/text');
    expect(((await raw('chat.postMessage', { channel: 'C35', text: 't', blocks: JSON.stringify([button('ok', 'v'.repeat(2001))]) }, 'xoxb-emulator')).json.errors as string[])[0]).toContain('/blocks/0/elements/0/value');
    expect(((await raw('chat.postMessage', { channel: 'C36', text: 't', blocks: JSON.stringify([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }]) }, 'xoxb-emulator')).json.errors as string[])[0]).toContain('151');
    expect(((await raw('chat.postMessage', { channel: 'C37', text: 't', blocks: JSON.stringify([{ type: 'bogus' }]) }, 'xoxb-emulator')).json.errors as string[])[0]).toContain('unsupported type');
  });

  it('requires thread_ts to be an existing message, and records threads', async () => {
    await expect(client.chat.postMessage({ channel: 'C4', text: 'reply', thread_ts: '123.456' })).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
    const parent = await client.chat.postMessage({ channel: 'C4', text: 'parent' });
    const reply = await client.chat.postMessage({ channel: 'C4', text: 'reply', thread_ts: parent.ts! });
    // A reply to a reply lands in the same thread.
    await client.chat.postMessage({ channel: 'C4', text: 'reply 2', thread_ts: reply.ts! });
    expect(slack.thread('C4', parent.ts!).map((m) => m.text)).toEqual(['parent', 'reply', 'reply 2']);
    await client.chat.update({ channel: 'C4', ts: reply.ts!, text: 'edited' });
    expect(slack.thread('C4', parent.ts!)[1]).toMatchObject({ text: 'edited', edits: 1 });
    await expect(client.chat.update({ channel: 'C4', ts: '1.2', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('rate-limits chat.postMessage per channel with 429 and Retry-After', async () => {
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await raw('chat.postMessage', { channel: 'C5', text: `m${i}` }, 'xoxb-emulator'));
    expect(results.slice(0, 5).every((r) => r.status === 200)).toBe(true);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.json.error).toBe('ratelimited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another channel is not affected.
    expect((await raw('chat.postMessage', { channel: 'C6', text: 'other' }, 'xoxb-emulator')).status).toBe(200);
    await expect(client.chat.postMessage({ channel: 'C5', text: 'again' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
  });

  it('rate-limits tier 2 methods per minute, per token', async () => {
    const statuses = [];
    for (let i = 0; i < 22; i++) statuses.push((await raw('usergroups.users.list', { usergroup: 'S1' }, 'xoxb-second')).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20)).toContain(429);
    expect((await raw('usergroups.users.list', { usergroup: 'S1' }, 'xoxb-emulator')).status).toBe(200);
  });

  it('implements the files.uploadV2 flow (getUploadURLExternal → upload → completeUploadExternal)', async () => {
    const parent = await client.chat.postMessage({ channel: 'C7', text: 'parent' });
    await client.filesUploadV2({ channel_id: 'C7', thread_ts: parent.ts!, filename: 'report.json', title: 'Report', content: '{"a":1}' });
    expect(slack.callsOf('files.getUploadURLExternal')).toHaveLength(1);
    expect(slack.callsOf('upload')).toHaveLength(1);
    expect(slack.callsOf('files.completeUploadExternal')).toHaveLength(1);
    const shared = slack.thread('C7', parent.ts!).find((m) => m.files);
    expect(shared?.files?.[0]).toMatchObject({ name: 'report.json', title: 'Report', content: '{"a":1}' });
    expect((await raw('files.completeUploadExternal', { files: JSON.stringify([{ id: 'F99999999' }]) }, 'xoxb-emulator')).json.error).toBe('file_not_found');
  });

  it('answers users.info, usergroups.users.list, chat.getPermalink and conversations.replies with metadata', async () => {
    expect((await client.users.info({ user: 'U1' })).user?.name).toBe('ada');
    await expect(client.users.info({ user: 'U404' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    await expect(client.usergroups.users.list({ usergroup: 'S404' })).rejects.toMatchObject({ data: { error: 'no_such_subteam' } });
    const parent = await client.chat.postMessage({ channel: 'C8', text: 'p' });
    await client.chat.postMessage({ channel: 'C8', text: 'r', thread_ts: parent.ts!, metadata: { event_type: 'dnswhy_post', event_payload: { key: 'k1' } } });
    const replies = await client.conversations.replies({ channel: 'C8', ts: parent.ts!, include_all_metadata: true });
    expect(replies.messages?.[1]).toMatchObject({ metadata: { event_type: 'dnswhy_post', event_payload: { key: 'k1' } } });
    expect((await client.chat.getPermalink({ channel: 'C8', message_ts: parent.ts! })).permalink).toContain(`/archives/C8/p${parent.ts!.replace('.', '')}`);
  });

  it('records every call', () => {
    expect(slack.calls.length).toBeGreaterThan(20);
    expect(slack.calls.every((c) => typeof c.method === 'string' && typeof c.status === 'number')).toBe(true);
  });

  it('offers a Socket Mode endpoint: hello on connect, envelopes acknowledged by envelope_id', async () => {
    const appClient = new WebClient('xapp-emulator', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const { url } = await appClient.apps.connections.open();
    const ws = new WebSocket(url!);
    const hello = await new Promise<Record<string, unknown>>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>)));
    expect(hello.type).toBe('hello');
    ws.on('message', (d) => {
      const env = JSON.parse(d.toString()) as { envelope_id?: string };
      if (env.envelope_id) ws.send(JSON.stringify({ envelope_id: env.envelope_id, payload: { text: 'ok' } }));
    });
    const ack = await slack.socket.push('slash_commands', { command: '/dns', text: 'help' });
    expect(ack.payload).toEqual({ text: 'ok' });
    // A second connection with the same URL is refused (one-time ticket).
    const again = new WebSocket(url!);
    await expect(new Promise((resolve, reject) => { again.once('open', resolve); again.once('error', reject); })).rejects.toBeDefined();
    ws.close();
  });
});
