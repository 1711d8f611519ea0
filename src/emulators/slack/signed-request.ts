/**
 * Builds requests the way Slack sends them to an app in HTTP mode: form-encoded bodies signed with
 * the v0 scheme (HMAC-SHA256 of `v0:<timestamp>:<raw body>`). Used by the emulator, tests,
 * benchmarks and the README's "try it without a workspace".
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
import { createHmac } from 'node:crypto';

/** Signature headers for a raw body. */
export function signedHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sig };
}

/** A slash command as Slack posts it. */
export interface SlashCommandInput {
  text: string;
  user: string;
  channel: string;
  command?: string;
  team?: string;
  responseUrl?: string;
  triggerId?: string;
}

/** The form body of a slash command. */
export function slashCommandBody(c: SlashCommandInput): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: c.team ?? 'T0EMULATOR',
    team_domain: 'emulator',
    channel_id: c.channel,
    channel_name: c.channel.toLowerCase(),
    user_id: c.user,
    user_name: c.user.toLowerCase(),
    command: c.command ?? '/dns',
    text: c.text,
    api_app_id: 'A0DNSWHY',
    response_url: c.responseUrl ?? 'http://127.0.0.1:9/response',
    trigger_id: c.triggerId ?? `${Date.now()}.1.emulator`,
  }).toString();
}

/** A block_actions payload (a button click). */
export interface ButtonClickInput {
  user: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  actionId: string;
  value: string;
  team?: string;
  responseUrl?: string;
  /** Slack's id of this click (unique per click; defaults to a timestamp). */
  triggerId?: string;
}

/** The JSON payload of a button click. */
export function blockActionsPayload(c: ButtonClickInput): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: c.team ?? 'T0EMULATOR', domain: 'emulator' },
    user: { id: c.user, username: c.user.toLowerCase(), team_id: c.team ?? 'T0EMULATOR' },
    api_app_id: 'A0DNSWHY',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: c.messageTs, channel_id: c.channel, is_ephemeral: false },
    trigger_id: c.triggerId ?? `${Date.now()}.2.emulator`,
    channel: { id: c.channel, name: c.channel.toLowerCase() },
    message: { type: 'message', ts: c.messageTs, ...(c.threadTs ? { thread_ts: c.threadTs } : {}), text: '' },
    response_url: c.responseUrl ?? 'http://127.0.0.1:9/response',
    actions: [{ type: 'button', action_id: c.actionId, block_id: 'b', value: c.value, action_ts: String(Date.now() / 1000) }],
  };
}

/** The form body of a button click. */
export function blockActionsBody(c: ButtonClickInput): string {
  return 'payload=' + encodeURIComponent(JSON.stringify(blockActionsPayload(c)));
}

/**
 * Sends a signed request to an app's /slack/events URL.
 * @returns HTTP status and body
 */
export async function sendSigned(url: string, secret: string, body: string, timestamp?: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: signedHeaders(secret, body, timestamp), body });
  return { status: res.status, body: await res.text() };
}
