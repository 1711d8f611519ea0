/** The Block Kit types renderers produce (Bolt's own definitions). */
import type { types } from '@slack/bolt';

export type SlackBlock = types.KnownBlock;

/** A message ready for chat.postMessage / chat.update. */
export interface RenderedMessage {
  /** Notification / accessibility fallback text. */
  text: string;
  blocks: SlackBlock[];
}

/** A file to upload with files.uploadV2 alongside a message (long evidence, full diffs). */
export interface RenderedFile {
  filename: string;
  title: string;
  content: string;
  /** Binary content (a PNG chart): uploaded instead of `content` when set. */
  binary?: Uint8Array;
}
