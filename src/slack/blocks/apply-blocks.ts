/** Audit-trail messages of a fix: approval, apply result with verification, rollback. */
import type { ApplyResultOutcome, RollbackResultOutcome } from '../../queue/job-data.js';
import { actionIds } from '../ids.js';
import type { RenderedMessage, SlackBlock } from './block-types.js';
import { blockLimits } from './limits.js';
import { escapeMrkdwn, slackDate, truncate } from './text.js';

function sectionText(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, blockLimits.sectionText).text } };
}

function changeRef(change: string, detailsLink?: string): string {
  return `change \`${change}\` (${detailsLink ? `<${detailsLink}|shown in the details>` : 'shown in the details in this thread'})`;
}

/**
 * "<@U> approved X at T; applying to OBJECT": who, what, when, and which change, by its hash and a
 * link to the details where it is shown (the change itself is shown once in the thread, there).
 */
export function renderApproval(input: { user: string; at: string; title: string; object: string; resourceVersion?: string; change: string; detailsLink?: string }): RenderedMessage {
  return {
    text: `Approved by <@${input.user}>: ${input.title}`,
    blocks: [
      sectionText(
        `:lock: <@${input.user}> approved *${escapeMrkdwn(input.title)}* ${slackDate(input.at)}: ${changeRef(input.change, input.detailsLink)}. Applying to ${escapeMrkdwn(input.object)}${input.resourceVersion ? ` (expected resourceVersion ${input.resourceVersion})` : ''}…`,
      ),
    ],
  };
}

/** The outcome of apply-fix: what changed on the cluster (resourceVersion before → after), verification, and Rollback. */
export function renderApplyResult(input: {
  proposalId: string;
  title: string;
  approvedBy: string;
  at: string;
  outcome: ApplyResultOutcome;
  message: string;
  change: string;
  object: string;
  resourceVersionBefore?: string;
  resourceVersionAfter?: string;
  detailsLink?: string;
  verified?: boolean;
  verification?: string;
  reloadNote?: string;
}): RenderedMessage {
  const blocks: SlackBlock[] = [];
  if (input.outcome === 'applied') {
    const v = input.verified === undefined ? '' : input.verified ? '\n:white_check_mark: *Verified*: the diagnosis was re-run and the finding is gone.' : '\n:warning: *Not verified*: the re-run diagnosis still shows a problem.';
    const rv = input.resourceVersionBefore || input.resourceVersionAfter ? `: resourceVersion ${input.resourceVersionBefore ?? '?'} → ${input.resourceVersionAfter ?? '?'}` : '';
    blocks.push(
      sectionText(
        `:rocket: Applied *${escapeMrkdwn(input.title)}* (approved by <@${input.approvedBy}>) ${slackDate(input.at)}, ${changeRef(input.change, input.detailsLink)}.\n*Changed on the cluster:* ${escapeMrkdwn(input.object)}${rv}.${v}${input.verification ? `\n${escapeMrkdwn(input.verification)}` : ''}`,
      ),
    );
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(`${escapeMrkdwn(input.message)}${input.reloadNote ? `\n${escapeMrkdwn(input.reloadNote)}` : ''}`, blockLimits.contextText).text }] });
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: actionIds.rollbackFix,
          text: { type: 'plain_text', text: 'Rollback' },
          style: 'danger',
          value: input.proposalId,
          confirm: {
            title: { type: 'plain_text', text: 'Roll back this fix?' },
            text: { type: 'mrkdwn', text: 'This restores the version kept before the fix was applied.' },
            confirm: { type: 'plain_text', text: 'Roll back' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
      ],
    });
  } else if (input.outcome === 'conflict') {
    blocks.push(sectionText(`:no_entry: Not applied: *${escapeMrkdwn(input.title)}* (change \`${input.change}\`). ${escapeMrkdwn(input.message)}\nThe target changed since the diagnosis; nothing was modified.`));
    blocks.push({ type: 'actions', elements: [{ type: 'button', action_id: actionIds.rediagnose, text: { type: 'plain_text', text: 'Diagnose again' }, value: input.proposalId }] });
  } else {
    blocks.push(sectionText(`:x: Applying *${escapeMrkdwn(input.title)}* (change \`${input.change}\`) failed: ${escapeMrkdwn(input.message)}`));
  }
  return { text: `${input.outcome}: ${input.title}${input.verified !== undefined ? (input.verified ? ' (verified)' : ' (not verified)') : ''}`, blocks };
}

/** The outcome of a rollback. */
export function renderRollbackResult(input: { title: string; user: string; at: string; outcome: RollbackResultOutcome; message: string; change?: string }): RenderedMessage {
  const icon = input.outcome === 'rolled-back' ? ':leftwards_arrow_with_hook:' : ':x:';
  const what = input.outcome === 'rolled-back' ? 'Rolled back' : input.outcome === 'conflict' ? 'Rollback refused' : 'Rollback failed';
  return {
    text: `${what}: ${input.title}`,
    blocks: [sectionText(`${icon} ${what}: *${escapeMrkdwn(input.title)}*${input.change ? ` (change \`${input.change}\`)` : ''} (by <@${input.user}>) ${slackDate(input.at)}. ${escapeMrkdwn(input.message)}`)],
  };
}

/** A step in the trail that needs no buttons (rollback requested, dismissed, failures). */
export function renderNotice(text: string): RenderedMessage {
  return { text: text.slice(0, 3000), blocks: [sectionText(text)] };
}
