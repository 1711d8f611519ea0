/**
 * Posting exactly once per (job id, step), whatever happens to the process: the ledger records the
 * ts; a reservation without a ts (the process died between posting and recording) makes us look
 * for the message in the thread by its metadata before posting again.
 */
import type { PostLedger } from '../../store/post-ledger.js';
import type { RenderedMessage } from '../blocks/block-types.js';
import type { PostTarget, SlackPoster } from './slack-poster.js';

/**
 * Posts a message once per key.
 * @param key - `<jobId>-<step>` (unique per message a job posts)
 * @returns the ts of the message (new or found)
 */
export async function postOnce(poster: SlackPoster, ledger: PostLedger, key: string, to: PostTarget, msg: RenderedMessage): Promise<{ ts: string; posted: boolean }> {
  const known = await ledger.get(key);
  if (known) return { ts: known, posted: false };
  const state = await ledger.reserve(key);
  if (state === 'retry') {
    const lookIn = to.threadTs;
    const found = lookIn ? await poster.findPosted(to.channel, lookIn, key) : undefined;
    if (found) {
      await ledger.record(key, found);
      return { ts: found, posted: false };
    }
  }
  const ts = await poster.post(to, msg, key);
  await ledger.record(key, ts);
  return { ts, posted: true };
}
