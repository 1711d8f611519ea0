/**
 * Report → Block Kit: the verdict, the resolution path, each finding with its evidence, a reference
 * instead of a full repeat for findings already reported in the channel, and a Notes line for the
 * checks that could not judge. Pure: the same
 * report and options always give the same messages. Evidence that does not fit is cut with a note
 * and returned as a file to upload (never dropped silently).
 */
import { verdictWord, type Finding, type Report, type Verdict } from '../../core/model/index.js';
import type { RenderedFile, RenderedMessage, SlackBlock } from './block-types.js';
import { evidenceLine } from './evidence-line.js';
import { blockLimits } from './limits.js';
import { splitIntoMessages } from './split-messages.js';
import { codeBlock, escapeMrkdwn, slackDate, truncate } from './text.js';

/** The first words of the summary line, by verdict. */
const verdictLead: Record<Verdict, string> = { healthy: ':white_check_mark: Resolves fine', broken: ':x: Broken', inconclusive: ':grey_question: Inconclusive' };

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
}

const severityIcon: Record<Finding['severity'], string> = { error: ':red_circle:', warn: ':large_orange_circle:', info: ':large_blue_circle:' };

/** The file name under which the full evidence of a report is uploaded. */
export function evidenceFileName(report: Report): string {
  return `dnswhy-${report.pod.namespace}-${report.pod.name}-${report.name}.json`.replace(/[^A-Za-z0-9._-]/g, '_');
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, blockLimits.contextText).text }] };
}

/**
 * Renders a report as one or more thread messages plus files to upload.
 * @param report - the diagnosis report
 * @param opts - askers and earlier reports of the same findings
 */
export function renderReport(report: Report, opts: ReportRenderOptions): { messages: RenderedMessage[]; files: RenderedFile[] } {
  const fileName = evidenceFileName(report);
  const note = `full evidence in ${fileName}`;
  let cut = false;
  const blocks: SlackBlock[] = [];
  const target = `${report.name}${report.port ? `:${report.port}` : ''} from ${report.pod.namespace}/${report.pod.name}`;
  const verdict = verdictLead[report.verdict];
  blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(`${verdictWord[report.verdict]}: ${target}`, blockLimits.headerText).text, emoji: true } });
  const summary = truncate(`${verdict}: ${escapeMrkdwn(report.summary)}`, blockLimits.sectionText - 200, note);
  cut ||= summary.truncated;
  const askers = opts.askers.length > 0 ? `\nAsked by ${opts.askers.map((u) => `<@${u}>`).join(', ')}` : '';
  blocks.push(section(summary.text + askers));
  const facts = [
    report.cluster ? `cluster *${escapeMrkdwn(report.cluster)}*` : undefined,
    report.pod.node ? `node ${escapeMrkdwn(report.pod.node)}` : undefined,
    report.pod.resolvedFrom ? `picked from ${escapeMrkdwn(report.pod.resolvedFrom)}` : undefined,
    `${(report.durationMs / 1000).toFixed(1)} s`,
    report.apiRequests !== undefined ? `${report.apiRequests} API requests` : undefined,
    `${report.evidence.length} evidence items`,
  ].filter(Boolean);
  blocks.push(context(facts.join(' · ')));

  if (report.path.length > 0) {
    const lines = report.path.map((h) => `${h.ok ? '✓' : '✗'} ${h.step}: ${h.detail}${h.ms !== undefined ? ` (${Math.round(h.ms)} ms)` : ''}`);
    const path = codeBlock(lines.join('\n'), blockLimits.sectionText - 30, note);
    cut ||= path.truncated;
    blocks.push(section(`*Resolution path*\n${path.text}`));
  }

  const byId = new Map(report.evidence.map((e) => [e.id, e]));
  for (const f of report.findings) {
    blocks.push({ type: 'divider' });
    const earlier = opts.referenced?.[f.fingerprint];
    const title = `${severityIcon[f.severity]} *${escapeMrkdwn(f.title)}* \`${f.checkId}\``;
    if (earlier) {
      blocks.push(section(truncate(`${title}\nAlready reported in this channel ${slackDate(earlier.at)}: <${earlier.permalink}|see that thread> for the evidence and the fix.`, blockLimits.sectionText).text));
      continue;
    }
    const explanation = truncate(`${title}\n${escapeMrkdwn(f.explanation)}`, blockLimits.sectionText, note);
    cut ||= explanation.truncated;
    blocks.push(section(explanation.text));
    const cited = f.evidenceRefs.map((id) => byId.get(id)).filter((e) => e !== undefined);
    if (cited.length > 0) {
      const ev = codeBlock(cited.map(evidenceLine).join('\n'), blockLimits.sectionText - 20, note);
      cut ||= ev.truncated;
      blocks.push(section(`*Evidence*\n${ev.text}`));
    }
    const advice = f.fixes.filter((x) => x.kind === 'advice');
    for (const a of advice) {
      const steps = truncate(`*${escapeMrkdwn(a.title)}*\n${a.steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s)}`).join('\n')}`, blockLimits.sectionText, note);
      cut ||= steps.truncated;
      blocks.push(section(steps.text));
    }
    const proposed = f.fixes.length - advice.length;
    // Slack links need an absolute URL; a repository path is shown as text.
    const docs = /^https?:\/\//.test(f.docsUrl) ? `<${f.docsUrl}|About ${f.checkId}>` : `About ${f.checkId}: ${escapeMrkdwn(f.docsUrl)}`;
    blocks.push(context(`${docs} · confidence ${Math.round(f.confidence * 100)}%${proposed > 0 ? ` · ${proposed} proven fix${proposed > 1 ? 'es' : ''} below` : ''}`));
  }
  if (report.findings.length === 0) blocks.push(section('No finding: every check passed.'));
  if (report.notes && report.notes.length > 0) {
    // Checks that threw or lacked evidence: what this report could not judge, so silence is not read as health.
    const notes = truncate(`:warning: Notes: ${report.notes.map(escapeMrkdwn).join(' · ')}`, blockLimits.contextText, note);
    cut ||= notes.truncated;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.text }] });
  }
  if (cut) blocks.push(context(`:paperclip: Some evidence was shortened here; the complete report is attached as \`${fileName}\`.`));

  const text = `${verdictWord[report.verdict]}: ${target}: ${report.summary}`.slice(0, 3000);
  const files: RenderedFile[] = cut ? [{ filename: fileName, title: `Full report for ${target}`, content: JSON.stringify(report, null, 2) }] : [];
  return { messages: splitIntoMessages(blocks, text), files };
}
