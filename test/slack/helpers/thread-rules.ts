/**
 * The rules a report thread must keep, asserted on a real report (every seed and variant scenario
 * calls this on the reports the lab diagnosis produced). The thread is rendered as the bot renders
 * it, with the proposals post-report creates: the report message as first posted and with every
 * "Other fixes" list open, the details, and the approval and apply messages of the recommended fix.
 *
 * - the first screen (everything before the first button) is under 1,200 characters;
 * - one recommended fix per cause: one Approve button per cause on the first screen, for the fix
 *   the rule picks; alternatives get theirs only once opened;
 * - no button on a finding below warn (info, low confidence);
 * - each change is shown once in the whole thread; approval and apply name it by hash;
 * - links are URLs (no repository path shown as text); every cause links its check's docs;
 * - every message passes the emulator's Block Kit validator.
 */
import { expect } from 'vitest';
import type { Report } from '../../../src/core/model/index.js';
import { briefOf } from '../../../src/core/report/brief.js';
import { changeHash, changeText, isApplicable } from '../../../src/core/report/change-view.js';
import { validateBlocks } from '../../../src/emulators/slack/block-validator.js';
import type { RenderedMessage } from '../../../src/slack/blocks/block-types.js';
import { renderApplyResult, renderApproval } from '../../../src/slack/blocks/apply-blocks.js';
import { renderDetails } from '../../../src/slack/blocks/details-blocks.js';
import { fixObjectName } from '../../../src/slack/blocks/fix-blocks.js';
import { renderReport } from '../../../src/slack/blocks/report-blocks.js';
import { proposedSlots, slotKey, type ReportViewState } from '../../../src/slack/blocks/report-view.js';
import { escapeMrkdwn } from '../../../src/slack/blocks/text.js';
import { actionIds } from '../../../src/slack/ids.js';

export const firstScreenBudget = 1200;

type Block = { type: string; text?: { text: string }; elements?: { type: string; text?: string | { text: string }; action_id?: string; value?: string }[]; accessory?: { action_id?: string; value?: string } };

/** What a reader sees of a block (section text, context texts, header). */
function visible(b: Block): string {
  if (b.type === 'context') return (b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')).join(' ');
  return b.text?.text ?? '';
}

/** Characters a reader sees before the first button of a message. */
export function firstScreenChars(m: RenderedMessage): number {
  let n = 0;
  for (const b of m.blocks as unknown as Block[]) {
    if (b.type === 'actions') break;
    n += visible(b).length;
    if (b.type === 'section' && b.accessory) break;
  }
  return n;
}

function buttonsOf(m: RenderedMessage): { actionId: string; value: string }[] {
  const out: { actionId: string; value: string }[] = [];
  for (const b of m.blocks as unknown as Block[]) {
    for (const e of b.type === 'actions' ? (b.elements ?? []) : b.type === 'section' && b.accessory ? [b.accessory] : []) {
      if (e.action_id && e.value) out.push({ actionId: e.action_id.replace(/\.\d+$/, ''), value: e.value });
    }
  }
  return out;
}

function allText(m: RenderedMessage): string {
  return (m.blocks as unknown as Block[]).map(visible).join('\n');
}

/** Asserts the thread rules on one report; `label` names it in failures. */
export function expectThreadRules(report: Report, label: string): void {
  const brief = briefOf(report);
  const slots = proposedSlots(report);
  const state: ReportViewState = { reportId: 'rep-0123456789abcdef', slots: {}, openFindings: [] };
  for (const s of slots) state.slots[slotKey(s.finding, s.fix)] = { proposalId: `fix-${s.finding}x${s.fix}`, status: 'pending' };
  const first = renderReport(report, { askers: ['U0ASKER'], state });
  const opened = renderReport(report, { askers: ['U0ASKER'], state: { ...state, openFindings: report.findings.map((_, i) => i) } });
  const details = renderDetails(report);
  for (const m of [first, opened, details.message]) expect(validateBlocks(m.blocks), `${label}: Block Kit`).toEqual([]);

  // The first screen.
  const chars = firstScreenChars(first);
  expect(chars, `${label}: ${chars} characters before the first button`).toBeLessThanOrEqual(firstScreenBudget);

  // One recommended fix per cause; no button on findings below warn; alternatives only when opened.
  const proposalFinding = (id: string) => Number(/^fix-(\d+)x\d+$/.exec(id)?.[1]);
  const approvesFirst = buttonsOf(first).filter((b) => b.actionId === actionIds.approveFix);
  const expected = brief.causes.filter((c) => c.recommended !== undefined && isApplicable(c.finding.fixes[c.recommended]!));
  expect(approvesFirst.map((b) => b.value).sort(), `${label}: one Approve per cause, for the recommended fix`).toEqual(expected.map((c) => `fix-${c.index}x${c.recommended}`).sort());
  const causeIndexes = new Set(brief.causes.map((c) => c.index));
  for (const b of buttonsOf(opened).filter((x) => x.actionId === actionIds.approveFix)) {
    expect(causeIndexes.has(proposalFinding(b.value)), `${label}: Approve button on a finding that is not a cause (${b.value})`).toBe(true);
  }
  for (const { finding } of brief.alsoNoticed) expect(finding.severity === 'info' || finding.confidence < 0.5, `${label}: ${finding.checkId} folded though it is a cause`).toBe(true);

  // Each change once in the thread; approval and apply name it by its hash.
  for (const c of brief.causes) {
    if (c.recommended === undefined) continue;
    const fix = c.finding.fixes[c.recommended]!;
    if (!isApplicable(fix)) continue;
    const hash = changeHash(fix);
    const approval = renderApproval({ user: 'U0APPROVER', at: '2026-01-01T00:00:00Z', title: fix.title, object: fixObjectName(fix), change: hash, detailsLink: 'https://example.slack.com/archives/C1/p1' });
    const applied = renderApplyResult({ proposalId: 'fix-1', title: fix.title, approvedBy: 'U0APPROVER', at: '2026-01-01T00:00:00Z', outcome: 'applied', message: 'patched', change: hash, object: fixObjectName(fix), resourceVersionBefore: '10', resourceVersionAfter: '11', verified: true });
    for (const m of [approval, applied]) {
      expect(validateBlocks(m.blocks)).toEqual([]);
      expect(allText(m), `${label}: approval/apply name the change`).toContain(`change \`${hash}\``);
    }
    // The change (escaped as Slack shows it) appears exactly once in the thread.
    const whole = changeText(fix);
    const count = (text: string, needle: string) => text.split(needle).length - 1;
    const inMessages = [first, opened, details.message, approval, applied].map((m) => count(allText(m), escapeMrkdwn(whole))).reduce((a, b) => a + b, 0);
    const inFile = details.file ? count(details.file.content, whole) : 0;
    expect(inMessages + inFile, `${label}: the change of "${fix.title}" is shown ${inMessages + inFile} times`).toBe(1);
    expect(allText(applied)).toContain('resourceVersion 10 → 11');
  }

  // Links are URLs; a check's docs are linked, never a repository path as text.
  for (const m of [first, opened, details.message]) {
    const json = JSON.stringify(m.blocks);
    for (const l of json.matchAll(/<([^<>|@!#][^<>|]*)\|[^<>]*>/g)) expect(l[1], `${label}: link target`).toMatch(/^https?:\/\//);
    expect(allText(m).replace(/<https?:\/\/[^>]*>/g, ''), `${label}: a repository path shown as text`).not.toMatch(/src\/checks\/[^\s]*README\.md/);
  }
  for (const c of brief.causes) expect(allText(first), `${label}: docs of ${c.finding.checkId}`).toMatch(new RegExp(`<https?://[^|>]*${c.finding.checkId}[^|>]*\\|`));
}
