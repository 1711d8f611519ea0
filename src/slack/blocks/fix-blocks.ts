/**
 * A proven fix as a thread message: what it changes, the proof from the simulation, the diff,
 * and the buttons. The buttons carry only the proposal id.
 */
import type { CorefilePatchFix, WorkloadPatchFix } from '../../core/model/index.js';
import { actionIds } from '../ids.js';
import type { RenderedMessage, SlackBlock } from './block-types.js';
import { blockLimits } from './limits.js';
import { codeBlock, escapeMrkdwn, slackDate, truncate } from './text.js';

/** What the object a fix patches is called in messages. */
export function fixObjectName(fix: CorefilePatchFix | WorkloadPatchFix): string {
  return fix.kind === 'corefile-patch'
    ? `ConfigMap ${fix.target.namespace}/${fix.target.name} (key ${fix.target.key})`
    : `${fix.target.kind} ${fix.target.namespace}/${fix.target.name}`;
}

/**
 * Renders a proposed fix with Approve & apply, Show full diff and Dismiss.
 * @param proposalId - the only thing the buttons carry
 * @param expiresAt - ISO time after which approval is refused
 */
export function renderFixProposal(fix: CorefilePatchFix | WorkloadPatchFix, proposalId: string, expiresAt: string): RenderedMessage {
  const blocks: SlackBlock[] = [];
  const head = truncate(
    `:wrench: *Proposed fix: ${escapeMrkdwn(fix.title)}*\n${escapeMrkdwn(fix.changes)}\n*Patches:* ${escapeMrkdwn(fixObjectName(fix))}${fix.target.resourceVersion ? ` at resourceVersion ${fix.target.resourceVersion}` : ''}\n*Blast radius:* ${escapeMrkdwn(fix.blastRadius)} · *Risk:* ${fix.risk}`,
    blockLimits.sectionText,
  );
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: head.text } });
  const sim = fix.simulation;
  if (sim) {
    const controls = sim.controls.length === 0 ? 'no control query' : sim.controls.every((c) => !c.changed) ? `${sim.controls.length} control queries unchanged` : `${sim.controls.filter((c) => c.changed).length} control queries change`;
    const proof = truncate(
      `*Proof (simulated):* \`${escapeMrkdwn(sim.failing.name)} ${sim.failing.type}\` from ${escapeMrkdwn(sim.failing.client)}: ${escapeMrkdwn(sim.failing.before)} → ${escapeMrkdwn(sim.failing.after)}; ${controls}.\n${escapeMrkdwn(sim.proof)}`,
      blockLimits.sectionText,
    );
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: proof.text } });
  }
  const diff = codeBlock(fix.diff, blockLimits.sectionText - 10, 'press Show full diff');
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: diff.text } });
  const notes = [`Proposal \`${proposalId}\` expires ${slackDate(expiresAt)}`];
  if (fix.kind === 'corefile-patch' && fix.needsRestart) notes.push('the Corefile has no `reload`: CoreDNS pods need a restart to load it');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join(' · ') }] });
  blocks.push({
    type: 'actions',
    block_id: truncate(`fix_${proposalId}`, blockLimits.blockId).text,
    elements: [
      {
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
      },
      { type: 'button', action_id: actionIds.showDiff, text: { type: 'plain_text', text: 'Show full diff' }, value: proposalId },
      { type: 'button', action_id: actionIds.dismissFix, text: { type: 'plain_text', text: 'Dismiss' }, value: proposalId },
    ],
  });
  return { text: `Proposed fix: ${fix.title}`, blocks };
}

/** The same message after a decision: buttons replaced by who decided what, when. */
export function renderFixDecided(fix: CorefilePatchFix | WorkloadPatchFix, proposalId: string, decision: string): RenderedMessage {
  const base = renderFixProposal(fix, proposalId, new Date(0).toISOString());
  const blocks: SlackBlock[] = base.blocks.filter((b) => b.type !== 'actions' && b.type !== 'context');
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(decision, blockLimits.contextText).text }] });
  return { text: `${base.text}: ${decision}`, blocks };
}
