/** What every button listener reads from a click: who, where, which proposal. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Proposal } from '../../../store/proposal-store.js';
import { renderNotice } from '../../blocks/apply-blocks.js';
import { expiredText } from './refusal.js';
import { audit, type AuditEntry } from '../../../store/audit-log.js';
import type { SlackDeps } from '../../deps.js';
import { actionIds } from '../../ids.js';

/** The buttons whose refusals are audited, and what each would have done. */
const clickSubject: Record<string, 'apply' | 'rollback' | 'dismiss'> = { [actionIds.approveFix]: 'apply', [actionIds.rollbackFix]: 'rollback', [actionIds.dismissFix]: 'dismiss' };

export interface Click {
  user: string;
  channel: string;
  messageTs?: string;
  /** thread_ts of the clicked message when it is a reply in a thread. */
  threadTs?: string;
  proposalId: string;
  /** Slack's trigger_id of this click. */
  slackRequest?: string;
}

/** Extracts the click; undefined when the payload lacks what a button click has. */
export function readClick(args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Click | undefined {
  const { body, action } = args;
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel || typeof action.value !== 'string' || !/^fix-[a-z0-9]{1,40}$/.test(action.value)) return undefined;
  const threadTs = (body.message as { thread_ts?: unknown } | undefined)?.thread_ts;
  const slackRequest = typeof body.trigger_id === 'string' ? body.trigger_id : undefined;
  return { user: body.user.id, channel, ...(slackRequest ? { slackRequest } : {}), ...(body.message?.ts ? { messageTs: body.message.ts } : {}), ...(typeof threadTs === 'string' ? { threadTs } : {}), proposalId: action.value };
}

/**
 * True when the click comes from the thread where the proposal was posted: the same channel, and
 * the clicked message is the proposal (or its result) or a reply in that thread. A proposal id
 * copied into a button elsewhere must not act on a thread its readers cannot see.
 */
export function clickedInItsThread(click: Click, p: Proposal): boolean {
  if (click.channel !== p.thread.channel) return false;
  if (click.threadTs === p.thread.threadTs) return true;
  return click.messageTs !== undefined && (click.messageTs === p.messageTs || click.messageTs === p.resultTs);
}

/**
 * The start every proposal button shares: ack at once, read the click, load its proposal, and tell
 * the clicker (ephemerally) when the proposal is gone. Undefined when there is nothing more to do.
 */
export async function openProposalClick(
  deps: SlackDeps,
  args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs,
  goneText = 'This proposal is unknown or was removed.',
  opts: { refuseExpired?: boolean } = {},
): Promise<{ click: Click; p: Proposal } | undefined> {
  await args.ack();
  const click = readClick(args);
  if (!click) return undefined;
  const here = { channel: click.channel };
  const p = await deps.proposals.get(click.proposalId);
  const of = clickSubject[args.action.action_id.replace(/\.\d+$/, '')];
  const refused = (proposal: AuditEntry['proposal'], outcome: string, reason: string) => {
    if (of) audit(deps.log, { action: 'refusal', of, who: click.user, proposal, outcome, reason, ...(click.slackRequest ? { slackRequest: click.slackRequest } : {}) });
  };
  if (!p) {
    refused({ id: click.proposalId }, 'missing', goneText);
    await deps.poster.ephemeral(here, click.user, renderNotice(goneText));
    return undefined;
  }
  if (!clickedInItsThread(click, p)) {
    deps.log.warn({ proposal: p.id, user: click.user, channel: click.channel, messageTs: click.messageTs, proposalChannel: p.thread.channel, action: args.action.action_id }, 'refused a click outside its proposal thread');
    refused(p, 'outside-thread', `clicked in ${click.channel}, the proposal is in ${p.thread.channel}`);
    await deps.poster.ephemeral(here, click.user, renderNotice(':no_entry: This button belongs to a proposal posted in another thread; nothing was changed. Use the buttons in the thread of the diagnosis.'));
    return undefined;
  }
  if (opts.refuseExpired && p.status === 'pending' && p.expiresAt < Date.now()) {
    refused(p, 'expired', expiredText);
    await deps.poster.ephemeral({ channel: click.channel, threadTs: p.thread.threadTs }, click.user, renderNotice(expiredText));
    return undefined;
  }
  return { click, p };
}
