/**
 * "Show details": everything the first screen leaves out, as one thread reply, or, when it does not
 * fit in one message within Slack's limits, a short reply plus the whole of it as a file (posted with
 * files.uploadV2). Every evidence item keeps its id, so the ids an explanation cites can be found.
 * Each change appears here once, with its hash; approval and apply messages refer to it. Pure.
 */
import type { Report } from '../../core/model/index.js';
import { detailsOf, type ReportDetails } from '../../core/report/details.js';
import { recommendationRule } from '../../core/report/fix-choice.js';
import type { RenderedFile, RenderedMessage, SlackBlock } from './block-types.js';
import { blockLimits } from './limits.js';
import { targetText } from './report-blocks.js';
import { codeBlock, escapeMrkdwn } from './text.js';

/** The file the details go to when they do not fit in a message. */
export function detailsFileName(report: Report): string {
  return `dnswhy-details-${report.pod.namespace}-${report.pod.name}-${report.name}.md`.replace(/[^A-Za-z0-9._-]/g, '_');
}

const severityIcon = { error: ':red_circle:', warn: ':large_orange_circle:', info: ':large_blue_circle:' } as const;

/** The details as Markdown text: the file content, and what `dnswhy why --markdown` puts under "Details". */
export function detailsMarkdown(report: Report, d: ReportDetails = detailsOf(report)): string {
  const out: string[] = [];
  for (const f of d.findings) {
    const x = f.finding;
    out.push(`### ${x.severity.toUpperCase()}: ${x.title} (\`${x.checkId}\`, confidence ${Math.round(x.confidence * 100)}%)`, '', x.explanation, '');
    if (f.evidence.length > 0) out.push('Evidence:', '', '```', ...f.evidence, '```', '');
    for (const fx of f.fixes) {
      out.push(`#### Fix ${fx.index + 1}${fx.recommended ? ' (recommended)' : ''}: ${fx.fix.title}`, '', ...fx.facts.map((l) => `- ${l}`), '');
      if (fx.change) out.push(`Change \`${fx.hash}\`:`, '', '```', fx.change, '```', '');
    }
  }
  if (d.path.length > 0) out.push('### Resolution path', '', '```', ...d.path, '```', '');
  if (d.otherEvidence.length > 0) out.push('### Other evidence', '', '```', ...d.otherEvidence, '```', '');
  if (d.notProbed.length > 0) out.push('### Not probed', '', ...d.notProbed.map((n) => `- ${n}`), '');
  if (d.notes.length > 0) out.push('### Notes', '', ...d.notes.map((n) => `- ${n}`), '');
  out.push(`The recommended fix of each cause is chosen by this rule: ${recommendationRule}.`, '');
  return out.join('\n');
}

function section(text: string): { block: SlackBlock; cut: boolean } {
  const cut = text.length > blockLimits.sectionText;
  return { block: { type: 'section', text: { type: 'mrkdwn', text: cut ? text.slice(0, blockLimits.sectionText) : text } }, cut };
}

/** Fenced code that must fit whole; `cut` when it does not. */
function code(body: string, room: number): { text: string; cut: boolean } {
  const c = codeBlock(body, room);
  return { text: c.text, cut: c.truncated };
}

/**
 * Renders the details.
 * @returns one message when everything fits whole; else a short message and the file with all of it
 */
export function renderDetails(report: Report): { message: RenderedMessage; file?: RenderedFile } {
  const d = detailsOf(report);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: `Details: ${targetText(report)}`.slice(0, blockLimits.headerText) } }];
  let cut = false;
  const add = (text: string) => {
    const s = section(text);
    cut ||= s.cut;
    blocks.push(s.block);
  };
  for (const f of d.findings) {
    const x = f.finding;
    add(`${severityIcon[x.severity]} *${escapeMrkdwn(x.title)}* \`${x.checkId}\` · confidence ${Math.round(x.confidence * 100)}%\n${escapeMrkdwn(x.explanation)}`);
    if (f.evidence.length > 0) {
      const ev = code(f.evidence.join('\n'), blockLimits.sectionText - 20);
      cut ||= ev.cut;
      add(`*Evidence*\n${ev.text}`);
    }
    for (const fx of f.fixes) {
      const head = `*Fix ${fx.index + 1}${fx.recommended ? ' (recommended)' : ''}: ${escapeMrkdwn(fx.fix.title)}*\n${fx.facts.map((l) => escapeMrkdwn(l)).join('\n')}`;
      if (!fx.change) {
        add(head);
        continue;
      }
      add(head);
      const ch = code(fx.change, blockLimits.sectionText - 40);
      cut ||= ch.cut;
      add(`*Change* \`${fx.hash}\`\n${ch.text}`);
    }
  }
  if (d.path.length > 0) {
    const p = code(d.path.join('\n'), blockLimits.sectionText - 30);
    cut ||= p.cut;
    add(`*Resolution path*\n${p.text}`);
  }
  if (d.otherEvidence.length > 0) {
    const o = code(d.otherEvidence.join('\n'), blockLimits.sectionText - 30);
    cut ||= o.cut;
    add(`*Other evidence*\n${o.text}`);
  }
  if (d.notProbed.length > 0) add(`*Not probed*\n${d.notProbed.map((n) => `• ${escapeMrkdwn(n)}`).join('\n')}`);
  if (d.notes.length > 0) add(`*Notes*\n${d.notes.map((n) => `• ${escapeMrkdwn(n)}`).join('\n')}`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `The recommended fix of each cause is chosen by: ${recommendationRule}.` }] });
  const text = `Details: ${targetText(report)}`;
  if (!cut && blocks.length <= blockLimits.blocksPerMessage) return { message: { text, blocks } };
  const fileName = detailsFileName(report);
  const content = `# ${text}\n\n${detailsMarkdown(report, d)}\n## Evidence (complete, as JSON)\n\n\`\`\`json\n${JSON.stringify(report.evidence, null, 2)}\n\`\`\`\n`;
  const changes = d.findings.flatMap((f) => f.fixes.filter((x) => x.hash).map((x) => `\`${x.hash}\` ${escapeMrkdwn(x.fix.title)}`));
  const summary = [
    `:page_facing_up: *Details* of ${escapeMrkdwn(targetText(report))} are too long for a message: the attached \`${fileName}\` holds all of them (every finding's explanation, ${report.evidence.length} evidence items with their ids, the resolution path${changes.length > 0 ? ', the changes' : ''}).`,
    changes.length > 0 ? `Changes in the file: ${changes.join(' · ')}` : '',
  ].filter(Boolean).join('\n');
  return {
    message: { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: summary.slice(0, blockLimits.sectionText) } }] },
    file: { filename: fileName, title: text, content },
  };
}
