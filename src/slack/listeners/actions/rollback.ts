/** "Rollback": same approval rules as applying; applied→rolling-back atomically, then the rollback job. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { changeJobOptions } from '../../../queue/job-options.js';
import type { RollbackJobData } from '../../../queue/job-data.js';
import { jobId } from '../../../queue/job-id.js';
import { clusterJobNames } from '../../../queue/names.js';
import { renderNotice } from '../../blocks/apply-blocks.js';
import { slackDate } from '../../blocks/text.js';
import type { SlackDeps } from '../../deps.js';
import { postOnce } from '../../poster/idempotent-post.js';
import { openProposalClick } from './click.js';
import { explainRefusal, refusalOutcome } from './refusal.js';
import { audit } from '../../../store/audit-log.js';

/** The rollback listener. */
export function rollbackFix(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    const opened = await openProposalClick(deps, args);
    if (!opened) return;
    const { click, p } = opened;
    const thread = { channel: click.channel, threadTs: p.thread.threadTs };
    const job = jobId('rollback', p.id);
    const who = { who: click.user, proposal: p, of: 'rollback' as const, ...(click.slackRequest ? { slackRequest: click.slackRequest } : {}) };
    const allowed = await deps.approvers.check(click.user, p.requestedBy);
    if (!allowed.ok) audit(deps.log, { action: 'refusal', ...who, outcome: 'not-allowed', reason: allowed.reason });
    if (!allowed.ok) return deps.poster.ephemeral(thread, click.user, renderNotice(`:no_entry: ${allowed.reason}`));
    const moved = await deps.proposals.transition(p.id, 'applied', 'rolling-back', click.user);
    if (!moved.ok) audit(deps.log, { action: 'refusal', ...who, outcome: refusalOutcome(moved), reason: explainRefusal(moved, 'rollback') });
    if (!moved.ok) return deps.poster.ephemeral(thread, click.user, renderNotice(explainRefusal(moved, 'rollback')));
    audit(deps.log, { action: 'approval', ...who, outcome: 'approved', job });
    await postOnce(deps.poster, deps.ledger, `${p.id}-rollback-requested`, p.thread, renderNotice(`:leftwards_arrow_with_hook: <@${click.user}> asked to roll back *${p.fix.title}* ${slackDate(new Date().toISOString())}; restoring the previous version…`));
    const data: RollbackJobData = { proposalId: p.id, approvedBy: click.user, ...(click.slackRequest ? { slackRequest: click.slackRequest } : {}) };
    await deps.queues.cluster(p.cluster).add(clusterJobNames.rollback, data, { ...changeJobOptions, jobId: job });
  };
}
