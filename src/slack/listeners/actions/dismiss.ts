/** "Dismiss": an approver or the requester closes a proposal without applying it. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { renderNotice } from '../../blocks/apply-blocks.js';
import { slackDate } from '../../blocks/text.js';
import type { SlackDeps } from '../../deps.js';
import { refreshReport } from '../../flows/report-thread.js';
import { postOnce } from '../../poster/idempotent-post.js';
import { openProposalClick } from './click.js';
import { explainRefusal, refusalOutcome } from './refusal.js';
import { audit } from '../../../store/audit-log.js';

/** The dismiss listener. */
export function dismissFix(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    const opened = await openProposalClick(deps, args, undefined, { refuseExpired: true });
    if (!opened) return;
    const { click, p } = opened;
    const thread = { channel: click.channel, threadTs: p.thread.threadTs };
    const who = { who: click.user, proposal: p, of: 'dismiss' as const, ...(click.slackRequest ? { slackRequest: click.slackRequest } : {}) };
    if (click.user !== p.requestedBy && !(await deps.approvers.isApprover(click.user).catch(() => false))) {
      audit(deps.log, { action: 'refusal', ...who, outcome: 'not-allowed', reason: 'only an approver or the person who asked can dismiss' });
      return deps.poster.ephemeral(thread, click.user, renderNotice(':no_entry: Only an approver or the person who asked can dismiss this fix; nothing was changed.'));
    }
    const moved = await deps.proposals.transition(p.id, 'pending', 'dismissed', click.user);
    if (!moved.ok) audit(deps.log, { action: 'refusal', ...who, outcome: refusalOutcome(moved), reason: explainRefusal(moved, 'dismiss') });
    if (!moved.ok) return deps.poster.ephemeral(thread, click.user, renderNotice(explainRefusal(moved, 'dismiss')));
    audit(deps.log, { action: 'dismissal', ...who, outcome: 'dismissed' });
    const at = new Date().toISOString();
    await postOnce(deps.poster, deps.ledger, `${p.id}-dismissed`, p.thread, renderNotice(`:wastebasket: <@${click.user}> dismissed *${p.fix.title}* ${slackDate(at)}. Nothing was changed.`));
    if (p.reportId) await refreshReport(deps, p.reportId);
  };
}
