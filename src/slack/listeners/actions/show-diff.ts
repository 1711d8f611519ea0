/** "Show full diff": the whole diff, ephemeral when it fits in a message, else uploaded as a file in the thread. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { renderNotice } from '../../blocks/apply-blocks.js';
import { blockLimits } from '../../blocks/limits.js';
import { codeBlock } from '../../blocks/text.js';
import type { SlackDeps } from '../../deps.js';
import { readClick } from './click.js';

/** The show-diff listener. */
export function showDiff(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await args.ack();
    const click = readClick(args);
    if (!click) return;
    const p = await deps.proposals.get(click.proposalId);
    if (!p) return deps.poster.ephemeral({ channel: click.channel }, click.user, renderNotice('This proposal is unknown or was removed.'));
    const thread = { channel: p.thread.channel, threadTs: p.thread.threadTs };
    const block = codeBlock(p.fix.diff, blockLimits.sectionText);
    if (!block.truncated) return deps.poster.ephemeral(thread, click.user, { text: `Diff of ${p.fix.title}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: block.text } }] });
    await deps.poster.upload(thread, { filename: `${p.id}.diff`, title: `Full diff: ${p.fix.title}`, content: p.fix.diff }, `Full diff of *${p.fix.title}*, for <@${click.user}>`);
  };
}
