/**
 * Report → the one report message of a thread, in the order a tired person reads it: the verdict;
 * per cause, the cause in at most three short sentences and the recommended fix with its blast
 * radius and Approve & apply; the alternatives behind "Other fixes" (one line each, with a button
 * only once opened); findings below warn folded into one "Also noticed" line without buttons; what
 * could not be probed and the checks that could not judge (Notes); links to the check's documentation and the CoreDNS/Kubernetes pages it relies
 * on. Evidence, the resolution path and the changes themselves live behind "Show details"
 * (details-blocks.ts). Pure: the same report and state always give the same message.
 */
import { verdictWord, type Finding, type Report, type Verdict } from '../../core/model/index.js';
import { alsoNoticedLine, briefOf, causeText, type CauseBrief } from '../../core/report/brief.js';
import { isApplicable } from '../../core/report/change-view.js';
import { docsUrl } from '../../core/report/docs-links.js';
import { recommendationRule } from '../../core/report/fix-choice.js';
import { actionIds } from '../ids.js';
import type { RenderedMessage, SlackBlock } from './block-types.js';
import { alternativeLine, approveButton, button, isOpen, recommendedFixText, statusLine } from './fix-blocks.js';
import { blockLimits } from './limits.js';
import { otherFixesValue, slotKey, type ReportViewState } from './report-view.js';
import { escapeMrkdwn, slackDate, truncate } from './text.js';

/** The first words of the header, by verdict. */
const verdictLead: Record<Verdict, string> = { broken: '❌ Broken', healthy: '✅ Resolves fine', inconclusive: '❔ Inconclusive' };

/** An earlier report of a finding in the same channel. */
export interface EarlierReport {
  permalink: string;
  at: string;
}

export interface ReportRenderOptions {
  /** Everyone who asked (mentioned in the report). */
  askers: string[];
  /** Findings already reported in this channel within the window, by fingerprint. */
  referenced?: Record<string, EarlierReport>;
  /** Proposals, open lists, details; without it the report renders with no proposal (no buttons but Show details). */
  state?: ReportViewState;
  /** Where check documentation paths are browsed (default: the project's repository). */
  docsBaseUrl?: string;
}

/** Causes shown in full on the first screen; 5 × 7 blocks plus the frame stay under Slack's 50. */
const maxCauses = 5;

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, blockLimits.sectionText, 'see Show details').text } };
}

function context(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, blockLimits.contextText, 'see Show details').text }] };
}

/** A Slack link; the label is escaped, the URL must be absolute. */
export function link(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label).replace(/\|/g, '/')}>`;
}

/** The target in words: "NAME[:PORT] from NS/POD". */
export function targetText(report: Report): string {
  return `${report.name}${report.port ? `:${report.port}` : ''} from ${report.pod.namespace}/${report.pod.name}`;
}

/** Links to the documentation a finding relies on: the check's page, then CoreDNS / Kubernetes pages. */
export function docsLinks(findings: Finding[], base?: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of findings) {
    const own = docsUrl(f.docsUrl, base);
    if (!seen.has(own)) out.push(link(own, `About ${f.checkId}`)), seen.add(own);
  }
  for (const f of findings) {
    for (const r of f.references ?? []) {
      if (seen.has(r.url)) continue;
      seen.add(r.url);
      out.push(link(r.url, r.title));
    }
  }
  return out.join(' · ');
}

function causeBlocks(report: Report, c: CauseBrief, opts: ReportRenderOptions, hostDetails: boolean): SlackBlock[] {
  const f = c.finding;
  const blocks: SlackBlock[] = [];
  const earlier = opts.referenced?.[f.fingerprint];
  const title = `*${escapeMrkdwn(truncate(f.title, 160, 'see Show details').text)}*`;
  if (earlier) {
    blocks.push(section(`${title}\nAlready reported in this channel ${slackDate(earlier.at)}: ${link(earlier.permalink, 'see that thread')} for the evidence and the fix.`));
    return blocks;
  }
  blocks.push(section(`${title}\n${escapeMrkdwn(c.cause)}`));
  const state = opts.state;
  const elements: Extract<SlackBlock, { type: 'actions' }>['elements'] = [];
  if (c.recommended !== undefined) {
    const slot = state?.slots[slotKey(c.index, c.recommended)];
    const fix = slot?.fix ?? f.fixes[c.recommended]!;
    const status = slot ? statusLine(slot) : '';
    const disabled = isApplicable(fix) && state?.applyDisabled ? `\n_Not applied from Slack: ${escapeMrkdwn(state.applyDisabled)}_` : '';
    blocks.push(section(`${recommendedFixText(fix)}${status ? `\n${status}` : ''}${disabled}`));
    if (isApplicable(fix) && slot && isOpen(slot) && !state?.applyDisabled) elements.push(approveButton(fix, slot.proposalId));
  }
  const others = c.alternatives.length;
  const opened = state?.openFindings.includes(c.index) ?? false;
  if (others > 0 && !opened && state) elements.push(button(actionIds.otherFixes, `Other fixes (${others})`, otherFixesValue(state.reportId, c.index)));
  if (hostDetails && state && !state.details) elements.push(button(actionIds.showDetails, 'Show details', state.reportId));
  if (c.recommended !== undefined && state) {
    const slot = state.slots[slotKey(c.index, c.recommended)];
    if (slot && isOpen(slot) && !state.applyDisabled) elements.push(button(actionIds.dismissFix, 'Dismiss', slot.proposalId));
  }
  if (elements.length > 0) blocks.push({ type: 'actions', block_id: truncate(`cause_${c.index}`, blockLimits.blockId).text, elements });
  if (c.stopGap) blocks.push(context(`:warning: ${escapeMrkdwn(c.stopGap)}`));
  if (others > 0 && (opened || !state)) blocks.push(...alternativeBlocks(c, opts));
  return blocks;
}

/** The opened "Other fixes" list: one line each, an Approve button beside each fix that can be applied. */
function alternativeBlocks(c: CauseBrief, opts: ReportRenderOptions): SlackBlock[] {
  const state = opts.state;
  const out: SlackBlock[] = [context(`*Other fixes* · the recommended one is picked by: ${recommendationRule}`)];
  for (const j of c.alternatives) {
    const slot = state?.slots[slotKey(c.index, j)];
    const fix = slot?.fix ?? c.finding.fixes[j]!;
    const status = slot ? statusLine(slot) : '';
    const text = truncate(`${alternativeLine(fix)}${status ? `\n${status}` : ''}`, blockLimits.sectionText).text;
    const block: SlackBlock = { type: 'section', text: { type: 'mrkdwn', text } };
    if (isApplicable(fix) && slot && isOpen(slot) && !state?.applyDisabled) block.accessory = { ...approveButton(fix, slot.proposalId), text: { type: 'plain_text', text: 'Approve & apply' } };
    out.push(block);
  }
  return out;
}

/** Suffixes repeated action ids (".2", ".3"…) so each is unique within the message, as Slack wants. */
export function uniqueActionIds(blocks: SlackBlock[]): SlackBlock[] {
  const seen = new Map<string, number>();
  const fix = <T extends { action_id?: string }>(el: T): T => {
    if (!el.action_id) return el;
    const n = (seen.get(el.action_id) ?? 0) + 1;
    seen.set(el.action_id, n);
    return n === 1 ? el : { ...el, action_id: `${el.action_id}.${n}` };
  };
  return blocks.map((b) => {
    if (b.type === 'actions') return { ...b, elements: b.elements.map((e) => fix(e as { action_id?: string })) as typeof b.elements };
    if (b.type === 'section' && b.accessory) return { ...b, accessory: fix(b.accessory as { action_id?: string }) as typeof b.accessory };
    return b;
  });
}

/**
 * Renders the report message.
 * @param report - the diagnosis report
 * @param opts - askers, earlier reports, the thread state
 */
export function renderReport(report: Report, opts: ReportRenderOptions): RenderedMessage {
  const brief = briefOf(report);
  const blocks: SlackBlock[] = [];
  const target = targetText(report);
  const broken = report.verdict === 'broken';
  blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(`${verdictLead[report.verdict]}: ${target}`, blockLimits.headerText).text, emoji: true } });
  // What could not be probed matters most when nothing explains the answer: then it comes first.
  const notProbed = brief.notProbed.length > 0 ? `:grey_question: *Not probed:* ${escapeMrkdwn(truncate(brief.notProbed.join('; '), 500, 'see Show details').text)}` : undefined;
  const probedFirst = brief.causes.length === 0 && report.verdict !== 'healthy';
  if (notProbed && probedFirst) blocks.push(section(notProbed));
  if (brief.causes.length === 0) {
    const main = brief.healthy ?? report.findings[0];
    // Inconclusive: say what was not tested (the healthy check's short cause), not just its title.
    const why = main && report.verdict === 'inconclusive' ? `\n${escapeMrkdwn(causeText(main))}` : '';
    blocks.push(section(main ? `*${escapeMrkdwn(main.title)}*${why}` : `No finding: every check passed for ${escapeMrkdwn(target)}.`));
  }
  // Each cause takes at most 7 blocks; past maxCauses the rest are named in one line (all are in the details).
  brief.causes.slice(0, maxCauses).forEach((c, k) => {
    if (k > 0) blocks.push({ type: 'divider' });
    blocks.push(...causeBlocks(report, c, opts, k === 0));
  });
  const more = brief.causes.slice(maxCauses);
  if (more.length > 0) blocks.push(context(`*${more.length} more cause${more.length > 1 ? 's' : ''}:* ${escapeMrkdwn(more.map((c) => c.finding.title).join('; '))} · all in Show details`));
  const also = alsoNoticedLine(brief);
  if (also) blocks.push(context(`*Also noticed:* ${escapeMrkdwn(also)} · see Show details`));
  if (notProbed && !probedFirst) blocks.push(context(notProbed));
  // Checks that threw or lacked evidence: what this report could not judge, so silence is not read as health.
  if (brief.notes.length > 0) blocks.push(context(`:warning: Notes: ${brief.notes.map(escapeMrkdwn).join(' · ')}`));
  // A report with no cause hosts Show details on its own.
  if (brief.causes.length === 0 && opts.state && !opts.state.details) blocks.push({ type: 'actions', elements: [button(actionIds.showDetails, 'Show details', opts.state.reportId)] });
  if (opts.state?.details) blocks.push(context(`:page_facing_up: Details (evidence, resolution path, the changes): ${opts.state.details.link ? link(opts.state.details.link, 'in the thread') : 'in the thread below'}`));
  const shown = brief.causes.map((c) => c.finding).concat(brief.causes.length === 0 && brief.healthy ? [brief.healthy] : []);
  const docs = docsLinks(shown.length > 0 ? shown : report.findings, opts.docsBaseUrl);
  const facts = [
    opts.askers.length > 0 ? `Asked by ${opts.askers.map((u) => `<@${u}>`).join(', ')}` : undefined,
    report.cluster ? `cluster *${escapeMrkdwn(report.cluster)}*` : undefined,
    `${(report.durationMs / 1000).toFixed(1)} s`,
    `${report.evidence.length} evidence items`,
  ].filter(Boolean);
  if (docs) blocks.push(context(docs));
  blocks.push(context(facts.join(' · ')));
  const text = `${verdictWord[report.verdict]}: ${brief.headline}`;
  return { text: truncate(text, 3000).text, blocks: uniqueActionIds(blocks) };
}
