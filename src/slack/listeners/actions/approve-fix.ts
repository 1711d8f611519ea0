/**
 * "Approve & apply": ack, check the approver, move the proposal pending→applying atomically (one
 * apply per proposal, whoever clicks and however often), write the approval in the thread, and
 * enqueue apply-fix on the cluster's worker. Refusals are ephemeral and change nothing.
 */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { changeJobOptions } from '../../../queue/job-options.js';
import type { ApplyFixJobData } from '../../../queue/job-data.js';
import { jobId } from '../../../queue/job-id.js';
import { clusterJobNames } from '../../../queue/names.js';
import { changeHash } from '../../../core/report/change-view.js';
import { renderApproval, renderNotice } from '../../blocks/apply-blocks.js';
import { fixObjectName } from '../../blocks/fix-blocks.js';
import type { SlackDeps } from '../../deps.js';
import { ensureDetails, refreshReport } from '../../flows/report-thread.js';
import { postOnce } from '../../poster/idempotent-post.js';
import { openProposalClick } from './click.js';
import { explainRefusal, refusalOutcome } from './refusal.js';
import { audit } from '../../../store/audit-log.js';

/** The approve listener. */
export function approveFix(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    const opened = await openProposalClick(deps, args, 'This proposal is unknown or was removed; run `/dns why` again.', { refuseExpired: true });
    if (!opened) return;
    const { click, p } = opened;
    const job = jobId('apply', p.id);
    const who = { who: click.user, proposal: p, of: 'apply' as const, ...(click.slackRequest ? { slackRequest: click.slackRequest } : {}) };
    const allowed = await deps.approvers.check(click.user, p.requestedBy);
    if (!allowed.ok) audit(deps.log, { action: 'refusal', ...who, outcome: 'not-allowed', reason: allowed.reason });
    if (!allowed.ok) return deps.poster.ephemeral({ channel: click.channel, threadTs: p.thread.threadTs }, click.user, renderNotice(`:no_entry: ${allowed.reason}`));
    const now = new Date();
    const moved = await deps.proposals.transition(p.id, 'pending', 'applying', click.user, true, now.getTime());
    if (!moved.ok) audit(deps.log, { action: 'refusal', ...who, outcome: refusalOutcome(moved), reason: explainRefusal(moved, 'apply') });
    if (!moved.ok) return deps.poster.ephemeral({ channel: click.channel, threadTs: p.thread.threadTs }, click.user, renderNotice(explainRefusal(moved, 'apply')));
    audit(deps.log, { action: 'approval', ...who, outcome: 'approved', job });
    const at = now.toISOString();
    // The audit trail shows the change once, in the details: post them now if nobody opened them yet.
    const details = p.reportId ? await ensureDetails(deps, p.reportId).catch((err: Error) => deps.log.warn({ err: err.message }, 'could not post the details')) : undefined;
    await postOnce(deps.poster, deps.ledger, `${p.id}-approved`, p.thread, renderApproval({ user: click.user, at, title: p.fix.title, object: fixObjectName(p.fix), ...(p.object.resourceVersion ? { resourceVersion: p.object.resourceVersion } : {}), change: changeHash(p.fix), ...(details?.link ? { detailsLink: details.link } : {}) }));
    if (p.reportId) await refreshReport(deps, p.reportId);
    const data: ApplyFixJobData = { proposalId: p.id, approvedBy: click.user, ...(click.slackRequest ? { slackRequest: click.slackRequest } : {}) };
    await deps.queues.cluster(p.cluster).add(clusterJobNames.applyFix, data, { ...changeJobOptions, jobId: job });
  };
}
