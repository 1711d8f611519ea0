/** What every button listener reads from a click: who, where, which proposal. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Proposal } from '../../../store/proposal-store.js';
import { renderNotice } from '../../blocks/apply-blocks.js';
import type { SlackDeps } from '../../deps.js';

export interface Click {
  user: string;
  channel: string;
  messageTs?: string;
  proposalId: string;
}

/** Extracts the click; undefined when the payload lacks what a button click has. */
export function readClick(args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Click | undefined {
  const { body, action } = args;
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel || typeof action.value !== 'string' || !/^fix-[a-z0-9]{1,40}$/.test(action.value)) return undefined;
  return { user: body.user.id, channel, ...(body.message?.ts ? { messageTs: body.message.ts } : {}), proposalId: action.value };
}

/**
 * The start every proposal button shares: ack at once, read the click, load its proposal, and tell
 * the clicker (ephemerally) when the proposal is gone. Undefined when there is nothing more to do.
 */
export async function openProposalClick(
  deps: SlackDeps,
  args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs,
  goneText = 'This proposal is unknown or was removed.',
): Promise<{ click: Click; p: Proposal } | undefined> {
  await args.ack();
  const click = readClick(args);
  if (!click) return undefined;
  const p = await deps.proposals.get(click.proposalId);
  if (!p) {
    await deps.poster.ephemeral({ channel: click.channel }, click.user, renderNotice(goneText));
    return undefined;
  }
  return { click, p };
}
