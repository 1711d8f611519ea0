/** What the report buttons (Show details, Other fixes) read from a click: who, where, which report. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { ReportRecord } from '../../../store/report-store.js';
import { renderNotice } from '../../blocks/apply-blocks.js';
import { reportValuePattern } from '../../blocks/report-view.js';
import type { SlackDeps } from '../../deps.js';

export interface ReportClick {
  user: string;
  channel: string;
  reportId: string;
  /** The finding the button is about (Other fixes). */
  finding?: number;
}

/**
 * Acks, reads the click and loads its report; tells the clicker when the report is gone. A click
 * from another channel than the report's is refused: buttons carry ids, never trust.
 */
export async function openReportClick(deps: SlackDeps, args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<{ click: ReportClick; r: ReportRecord } | undefined> {
  await args.ack();
  const { body, action } = args;
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!channel || typeof action.value !== 'string' || !reportValuePattern.test(action.value)) return undefined;
  const [reportId, finding] = action.value.split('/') as [string, string | undefined];
  const click: ReportClick = { user: body.user.id, channel, reportId, ...(finding !== undefined ? { finding: Number(finding) } : {}) };
  const r = await deps.reports.get(reportId);
  // Like proposal buttons, report buttons count only in their own thread (the same channel and thread).
  const threadTs = (body.message as { thread_ts?: unknown } | undefined)?.thread_ts;
  const inThread = r && r.thread.channel === channel && (threadTs === r.thread.threadTs || (body.message?.ts !== undefined && body.message.ts === r.messageTs));
  if (!r || !inThread) {
    await deps.poster.ephemeral({ channel }, click.user, renderNotice('This report is unknown or has expired; run `/dns why` again.'));
    return undefined;
  }
  return { click, r };
}
