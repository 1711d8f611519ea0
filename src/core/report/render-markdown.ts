/**
 * Markdown for an incident ticket: the verdict as the heading, the cause and the recommended fix
 * first (what a reader of the ticket needs), the other fixes one line each, then the details
 * (evidence by id, each change, the resolution path) under their own heading for the record.
 */
import { verdictWord, type Report } from '../model/index.js';
import { alsoNoticedLine, briefOf } from './brief.js';
import { changeHash, isApplicable } from './change-view.js';
import { detailsOf } from './details.js';
import { docsUrl } from './docs-links.js';
import { recommendationRule } from './fix-choice.js';
import { fixTags } from './render-text.js';

/** Options of the Markdown renderer. */
export interface MarkdownOptions {
  /** Where check documentation paths are browsed (default: the project's repository). */
  docsBaseUrl?: string;
}

function link(url: string, text: string): string {
  return `[${text.replace(/[[\]]/g, '')}](${url})`;
}

/** Renders a report as Markdown. */
export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const brief = briefOf(report);
  const target = `\`${report.name}${report.port ? `:${report.port}` : ''}\` from \`${report.pod.namespace}/${report.pod.name}\``;
  const out = [`## ${report.verdict === 'healthy' ? 'Resolves fine' : verdictWord[report.verdict]}: ${target}`, ''];
  out.push(`Pod on \`${report.pod.node ?? '?'}\`${report.pod.zone ? ` (${report.pod.zone})` : ''}${report.cluster ? `, cluster \`${report.cluster}\`` : ''}; diagnosed ${report.startedAt} in ${(report.durationMs / 1000).toFixed(1)} s.`, '');
  if (brief.causes.length === 0) out.push(brief.healthy ? brief.healthy.title : (report.findings[0]?.title ?? 'No finding: every check passed.'), '');
  for (const c of brief.causes) {
    const f = c.finding;
    out.push(`**Cause** (\`${f.checkId}\`): ${f.title}. ${c.cause}`, '');
    if (c.recommended !== undefined) {
      const fix = f.fixes[c.recommended]!;
      out.push(`**Recommended fix**: ${fix.title} ${fixTags(fix)}${isApplicable(fix) ? `, change \`${changeHash(fix)}\`` : ''}. Blast radius: ${fix.blastRadius}`, '');
      if (fix.kind === 'advice') out.push(...fix.steps.map((s, i) => `${i + 1}. ${s}`), '');
      if (c.stopGap) out.push(`> ${c.stopGap}`, '');
    }
    if (c.alternatives.length > 0) out.push('Other fixes:', '', ...c.alternatives.map((j) => `- ${f.fixes[j]!.title} ${fixTags(f.fixes[j]!)}`), '');
  }
  const also = alsoNoticedLine(brief);
  if (also) out.push(`**Also noticed**: ${also}`, '');
  if (brief.notProbed.length > 0) out.push(`**Not probed**: ${brief.notProbed.join('; ')}`, '');
  if (brief.notes.length > 0) out.push('### Notes', '', ...brief.notes.map((n) => `- ${n}`), '');
  const shown = brief.causes.length > 0 ? brief.causes.map((x) => x.finding) : report.findings;
  const links = new Map<string, string>();
  for (const f of shown) links.set(docsUrl(f.docsUrl, opts.docsBaseUrl), `About ${f.checkId}`);
  for (const f of shown) for (const r of f.references ?? []) if (!links.has(r.url)) links.set(r.url, r.title);
  if (links.size > 0) out.push(`**References**: ${[...links].map(([u, t]) => link(u, t)).join(' · ')}`, '');
  const d = detailsOf(report);
  out.push('### Details', '');
  for (const fd of d.findings) {
    const x = fd.finding;
    out.push(`#### ${x.severity.toUpperCase()}: ${x.title} (\`${x.checkId}\`, confidence ${Math.round(x.confidence * 100)}%)`, '', x.explanation, '');
    if (fd.evidence.length > 0) out.push('```', ...fd.evidence, '```', '');
    for (const fx of fd.fixes) {
      out.push(`- Fix ${fx.index + 1}${fx.recommended ? ' (recommended)' : ''}: ${fx.fix.title}`, ...fx.facts.map((l) => `  - ${l}`));
      if (fx.change) out.push('', `  Change \`${fx.hash}\`:`, '', '  ```', ...fx.change.split('\n').map((l) => `  ${l}`), '  ```');
      out.push('');
    }
  }
  if (d.path.length > 0) out.push('#### Resolution path', '', '```', ...d.path, '```', '');
  if (d.otherEvidence.length > 0) out.push('#### Other evidence', '', '```', ...d.otherEvidence, '```', '');
  out.push(`_The recommended fix of each cause is picked by: ${recommendationRule}._`, '');
  return out.join('\n');
}
