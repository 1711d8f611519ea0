/** Splits a long list of blocks into messages of at most 50 blocks, marking continuations. */
import { blockLimits } from './limits.js';
import type { RenderedMessage, SlackBlock } from './block-types.js';

/**
 * Packs blocks into messages without splitting a block; later messages start with a context
 * block saying they continue the previous one, so nothing is dropped and nothing exceeds the limit.
 */
export function splitIntoMessages(blocks: SlackBlock[], text: string): RenderedMessage[] {
  const max = blockLimits.blocksPerMessage;
  if (blocks.length <= max) return [{ text, blocks }];
  const out: RenderedMessage[] = [{ text, blocks: blocks.slice(0, max) }];
  let rest = blocks.slice(max);
  let part = 2;
  while (rest.length > 0) {
    const head: SlackBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: `_continued (part ${part})_` }] };
    out.push({ text: `${text} (part ${part})`, blocks: [head, ...rest.slice(0, max - 1)] });
    rest = rest.slice(max - 1);
    part += 1;
  }
  return out;
}
