/**
 * Checks a Slack HTTP request before anything reads its content: both headers present, a v0
 * signature over the raw body (Bolt's timing-safe HMAC check), a timestamp within 5 minutes in
 * either direction, and a signature not seen before.
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
import { verifySlackRequest } from '@slack/bolt';
import type { ReplayGuard } from './replay-guard.js';

/** Why a request was refused (logged; the HTTP answer is a bare 401). */
export type VerifyResult = { ok: true } | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'stale' | 'bad-signature' | 'replayed'; detail: string };

const windowSeconds = 300;

/**
 * Verifies one request.
 * @param rawBody - the body exactly as received
 */
export async function verifyRequest(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  rawBody: string,
  guard: ReplayGuard,
  nowMs = Date.now(),
): Promise<VerifyResult> {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: 'missing-headers', detail: 'x-slack-signature and x-slack-request-timestamp are required' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp', detail: `x-slack-request-timestamp "${timestamp.slice(0, 20)}" is not a number of seconds` };
  const ts = Number(timestamp);
  // Bolt only refuses old timestamps; a future one would stretch the replay window, so refuse both.
  if (Math.abs(Math.floor(nowMs / 1000) - ts) > windowSeconds) return { ok: false, reason: 'stale', detail: `timestamp ${ts} is more than ${windowSeconds} s from now` };
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'bad-signature', detail: 'signature is not v0=<64 hex>' };
  try {
    verifySlackRequest({ signingSecret: secret, body: rawBody, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts }, nowMilliseconds: nowMs });
  } catch (err) {
    return { ok: false, reason: 'bad-signature', detail: (err as Error).message };
  }
  if (!(await guard.firstSeen(signature))) return { ok: false, reason: 'replayed', detail: 'this signature was already used' };
  return { ok: true };
}
