/**
 * Posting exactly once per (job id, step), whatever happens to the process: the ledger records the
 * ts; a reservation without a ts (the process died between posting and recording) makes us look
 * for the message in the thread by its metadata before posting again.
 */
import type { PostLedger } from '../../store/post-ledger.js';
import type { RenderedFile, RenderedMessage } from '../blocks/block-types.js';
import type { PostTarget, SlackPoster } from './slack-poster.js';

/**
 * Posts a message once per key.
 * @param key - `<jobId>-<step>` (unique per message a job posts)
 * @returns the ts of the message (new or found)
 */
export async function postOnce(poster: SlackPoster, ledger: PostLedger, key: string, to: PostTarget, msg: RenderedMessage): Promise<{ ts: string; posted: boolean }> {
  const state = await ledger.claim(key);
  if (typeof state === 'object') return { ts: state.ts, posted: false };
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

/**
 * Uploads a file into a thread once per key: reserved before the upload, recorded after it, and
 * after a crash in between (a reservation without a record) looked for in the thread by file name
 * and title before uploading again.
 * @returns 'known' (recorded earlier), 'found' (shared by a run that died before recording) or 'uploaded'
 */
export async function uploadOnce(poster: SlackPoster, ledger: PostLedger, key: string, to: PostTarget, file: RenderedFile, comment?: string): Promise<'known' | 'found' | 'uploaded'> {
  const state = await ledger.claim(key);
  if (typeof state === 'object') return 'known';
  if (state === 'retry' && to.threadTs) {
    const found = await poster.findUploaded(to.channel, to.threadTs, file);
    if (found) {
      await ledger.record(key, found);
      return 'found';
    }
  }
  await poster.upload(to, file, comment);
  await ledger.record(key, 'uploaded');
  return 'uploaded';
}
