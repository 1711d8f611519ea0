/** "Show full diff": the whole diff, ephemeral when it fits in a message, else uploaded as a file in the thread. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { blockLimits } from '../../blocks/limits.js';
import { codeBlock } from '../../blocks/text.js';
import { renderUploadFallback } from '../../blocks/upload-fallback.js';
import type { SlackDeps } from '../../deps.js';
import { openProposalClick } from './click.js';

/** The show-diff listener. */
export function showDiff(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    const opened = await openProposalClick(deps, args, undefined, { refuseExpired: true });
    if (!opened) return;
    const { click, p } = opened;
    const thread = { channel: p.thread.channel, threadTs: p.thread.threadTs };
    const block = codeBlock(p.fix.diff, blockLimits.sectionText);
    if (!block.truncated) return deps.poster.ephemeral(thread, click.user, { text: `Diff of ${p.fix.title}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: block.text } }] });
    const file = { filename: `${p.id}.diff`, title: `Full diff: ${p.fix.title}`, content: p.fix.diff };
    try {
      await deps.poster.upload(thread, file, `Full diff of *${p.fix.title}*, for <@${click.user}>`);
    } catch (err) {
      // A failed upload still answers the click: the diff's beginning, with a note, only to them.
      const reason = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      deps.log.warn({ err: reason, proposal: p.id }, 'diff upload failed: answering with its beginning');
      await deps.poster.ephemeral(thread, click.user, renderUploadFallback(file, reason));
    }
  };
}
