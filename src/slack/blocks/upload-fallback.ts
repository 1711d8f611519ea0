/**
 * What is posted instead of a file when its upload failed: the beginning of the content inline,
 * cut with a note saying the upload failed and how much is missing. Nothing is silently dropped.
 */
import type { RenderedFile, RenderedMessage } from './block-types.js';
import { blockLimits } from './limits.js';
import { codeBlock, escapeMrkdwn } from './text.js';

/**
 * @param reason - why the upload failed (the Slack error), shown to the reader
 */
export function renderUploadFallback(file: RenderedFile, reason: string): RenderedMessage {
  const head = `:warning: The file *${escapeMrkdwn(file.title)}* could not be uploaded (${escapeMrkdwn(reason)}).`;
  if (file.binary) {
    const text = `${head} It was an image (${escapeMrkdwn(file.filename)}); nothing else is missing.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const body = codeBlock(file.content, blockLimits.sectionText - 20, 'the rest was in the file that could not be uploaded');
  return {
    text: `${head} Its beginning follows.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${head} Its beginning follows${body.truncated ? ', cut to fit a message' : ''}:` } },
      { type: 'section', text: { type: 'mrkdwn', text: body.text } },
    ],
  };
}
