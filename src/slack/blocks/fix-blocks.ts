/**
 * The parts of a report message that are about fixes: the recommended fix of a cause (title, blast
 * radius, risk, one proof line) with its Approve & apply button, the one-line alternatives behind
 * "Other fixes" (each with its own button once opened), and the status line that replaces the
 * buttons once a fix was decided. Buttons carry only the proposal id (or the report id).
 */
import type { CorefilePatchFix, Fix, WorkloadPatchFix } from '../../core/model/index.js';
import { isApplicable } from '../../core/report/change-view.js';
import { fixScope } from '../../core/report/fix-choice.js';
import { actionIds } from '../ids.js';
import type { SlackBlock } from './block-types.js';
import { blockLimits } from './limits.js';
import type { FixSlot } from './report-view.js';
import { escapeMrkdwn, slackDate, truncate } from './text.js';

type Button = Extract<Extract<SlackBlock, { type: 'actions' }>['elements'][number], { type: 'button' }>;

/** What the object a fix patches is called in messages. */
export function fixObjectName(fix: CorefilePatchFix | WorkloadPatchFix): string {
  return fix.kind === 'corefile-patch'
    ? `ConfigMap ${fix.target.namespace}/${fix.target.name} (key ${fix.target.key})`
    : `${fix.target.kind} ${fix.target.namespace}/${fix.target.name}`;
}

/** "Approve & apply" with Slack's confirmation dialog naming what is patched. */
export function approveButton(fix: CorefilePatchFix | WorkloadPatchFix, proposalId: string): Button {
  return {
    type: 'button',
    action_id: actionIds.approveFix,
    text: { type: 'plain_text', text: 'Approve & apply' },
    style: 'primary',
    value: proposalId,
    confirm: {
      title: { type: 'plain_text', text: 'Apply this fix?' },
      text: { type: 'mrkdwn', text: truncate(`This patches ${fixObjectName(fix)} in the cluster.`, blockLimits.confirmText).text },
      confirm: { type: 'plain_text', text: 'Apply' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
}

/** A plain button. */
export function button(actionId: string, text: string, value: string): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: truncate(text, blockLimits.buttonText).text }, value };
}

/** True when the slot's proposal can still be approved from its button. */
export function isOpen(slot: FixSlot | undefined): boolean {
  return slot?.status === 'pending';
}

/** The one line that replaces a decided fix's buttons. */
export function statusLine(slot: FixSlot): string {
  const by = slot.actor ? ` by <@${slot.actor}>` : '';
  const when = slot.at ? ` ${slackDate(slot.at)}` : '';
  const note = slot.note ? ` ${escapeMrkdwn(slot.note)}` : '';
  switch (slot.status) {
    case 'pending':
      return slot.note ? `:arrows_counterclockwise: ${escapeMrkdwn(slot.note)}` : '';
    case 'applying':
      return `:hourglass_flowing_sand: Approved${by}${when}; applying…`;
    case 'applied':
      return `:white_check_mark: Applied${by}${when}${slot.verified === undefined ? '' : slot.verified ? ', verified' : ', *not verified*'}.${note}`;
    case 'rolling-back':
      return `:leftwards_arrow_with_hook: Rollback asked${by}${when}…`;
    case 'rolled-back':
      return `:leftwards_arrow_with_hook: Rolled back${by}${when}.${note}`;
    case 'dismissed':
      return `:wastebasket: Dismissed${by}${when}.`;
    case 'superseded':
      return `:heavy_minus_sign: Superseded${when}:${note || ' another fix of this report changed the picture.'}`.replace(/\.$/, '') + '.';
    case 'conflict':
      return `:no_entry: Not applied: the target changed since the diagnosis.${note}`;
    case 'failed':
      return `:x: Applying failed${by}${when}.${note}`;
  }
}

function scopeWord(fix: Fix): string {
  return { workload: 'one workload', zone: 'one zone', cluster: 'every pod' }[fixScope(fix)];
}

/**
 * Room on the first screen (characters) for the parts of the recommended fix whose length a check
 * decides; the rest is in the details. With the cause's 420 this keeps any check's first screen
 * under 1,200 characters.
 */
const room = { title: 160, blastRadius: 220, proof: 170 } as const;

function cut(text: string, max: number): string {
  return truncate(text, max, 'see Show details').text;
}

/** The recommended fix of a cause: title, blast radius and risk, and the one-line simulated proof. */
export function recommendedFixText(fix: Fix): string {
  const lines = [`*Recommended fix:* ${escapeMrkdwn(cut(fix.title, room.title))}`];
  lines.push(`*Blast radius:* ${escapeMrkdwn(cut(fix.blastRadius, room.blastRadius))} · *Risk:* ${fix.risk}`);
  if (fix.kind === 'advice') {
    // The first step on the first screen; the others are one click away.
    const [step, ...more] = fix.steps;
    if (step) lines.push(`${truncate(`1. ${escapeMrkdwn(step)}`, room.blastRadius + room.proof, 'the rest is in Show details').text}${more.length > 0 ? ` _(+${more.length} more step${more.length > 1 ? 's' : ''} in Show details)_` : ''}`);
  } else if (fix.simulation) {
    const s = fix.simulation.failing;
    const unchanged = fix.simulation.controls.filter((c) => !c.changed).length;
    const controls = fix.simulation.controls.length > 0 ? `; ${unchanged}/${fix.simulation.controls.length} control queries unchanged` : '';
    lines.push(`*Proven (simulated):* ${escapeMrkdwn(cut(`${s.before} → ${s.after}`, room.proof - controls.length))}${controls}`);
  } else {
    lines.push(`*Changes:* ${escapeMrkdwn(cut(fix.changes, room.proof))}`);
  }
  return lines.join('\n');
}

/** One line of an alternative fix. */
export function alternativeLine(fix: Fix): string {
  const what = isApplicable(fix) ? `${fix.kind === 'corefile-patch' ? 'Corefile' : 'workload'} patch, ${scopeWord(fix)}` : 'advice';
  return `• ${escapeMrkdwn(fix.title)} _(${what}, risk ${fix.risk}${fix.durability === 'stop-gap' ? ', stop-gap' : ''})_`;
}
