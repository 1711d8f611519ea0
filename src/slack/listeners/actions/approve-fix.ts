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
import { renderApproval, renderNotice } from '../../blocks/apply-blocks.js';
import { fixObjectName, renderFixDecided } from '../../blocks/fix-blocks.js';
import { slackDate } from '../../blocks/text.js';
import type { SlackDeps } from '../../deps.js';
import { postOnce } from '../../poster/idempotent-post.js';
import { openProposalClick } from './click.js';
import { explainRefusal } from './refusal.js';

/** The approve listener. */
export function approveFix(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    const opened = await openProposalClick(deps, args, 'This proposal is unknown or was removed; run `/dns why` again.', { refuseExpired: true });
    if (!opened) return;
    const { click, p } = opened;
    const allowed = await deps.approvers.check(click.user, p.requestedBy);
    if (!allowed.ok) return deps.poster.ephemeral({ channel: click.channel, threadTs: p.thread.threadTs }, click.user, renderNotice(`:no_entry: ${allowed.reason}`));
    const now = new Date();
    const moved = await deps.proposals.transition(p.id, 'pending', 'applying', click.user, true, now.getTime());
    if (!moved.ok) return deps.poster.ephemeral({ channel: click.channel, threadTs: p.thread.threadTs }, click.user, renderNotice(explainRefusal(moved, 'apply')));
    const at = now.toISOString();
    await postOnce(deps.poster, deps.ledger, `${p.id}-approved`, p.thread, renderApproval({ user: click.user, at, title: p.fix.title, object: fixObjectName(p.fix), ...(p.object.resourceVersion ? { resourceVersion: p.object.resourceVersion } : {}), diff: p.fix.diff }));
    if (p.messageTs) await deps.poster.update(p.thread.channel, p.messageTs, renderFixDecided(p.fix, p.id, `Approved by <@${click.user}> ${slackDate(at)}; applying.`)).catch((err: Error) => deps.log.warn({ err: err.message }, 'could not update the proposal message'));
    const data: ApplyFixJobData = { proposalId: p.id, approvedBy: click.user };
    await deps.queues.cluster(p.cluster).add(clusterJobNames.applyFix, data, { ...changeJobOptions, jobId: jobId('apply', p.id) });
  };
}
