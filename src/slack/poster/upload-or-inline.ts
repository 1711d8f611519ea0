/**
 * Uploads a file once; when the upload fails for another reason than Slack being unreachable
 * (which delays the whole delivery), its beginning is posted inline with a note instead, so the rest
 * of a delivery (the fix buttons, the report) never waits on an upload.
 */
import type { PostLedger } from '../../store/post-ledger.js';
import type { RenderedFile } from '../blocks/block-types.js';
import { renderUploadFallback } from '../blocks/upload-fallback.js';
import { isSlackUnreachable } from '../slack-connection.js';
import { postOnce, uploadOnce } from './idempotent-post.js';
import type { PostTarget, SlackPoster } from './slack-poster.js';

export async function uploadOrInline(
  deps: { poster: SlackPoster; ledger: PostLedger; log?: { warn(obj: unknown, msg?: string): void } },
  key: string,
  to: PostTarget,
  file: RenderedFile,
  comment: string,
): Promise<string> {
  try {
    return await uploadOnce(deps.poster, deps.ledger, key, to, file, comment);
  } catch (err) {
    if (isSlackUnreachable(err)) throw err;
    const reason = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
    deps.log?.warn({ err: reason, file: file.filename }, 'file upload failed: posting its beginning inline');
    await postOnce(deps.poster, deps.ledger, `${key}-inline`, to, renderUploadFallback(file, reason));
    await deps.ledger.record(key, 'inline');
    return 'inline';
  }
}
