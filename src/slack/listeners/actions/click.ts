/** What every button listener reads from a click: who, where, which proposal. */
import type { BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';

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
