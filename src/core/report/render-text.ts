/**
 * Terminal text, in the order of the Slack report: the verdict; per cause, the cause in at most
 * three sentences and the recommended fix with its blast radius; the other fixes one line each;
 * findings below warn in one "also noticed" line; what could not be probed; documentation URLs.
 * `verbose` (`--verbose`, `-o wide`) adds the details: every explanation, the evidence by id, each
 * fix's proof and change, and the resolution path. Colour only when asked (`{ color: true }`).
 */
import { createColors } from 'picocolors';
import { verdictWord, type Report } from '../model/index.js';
import { alsoNoticedLine, briefOf } from './brief.js';
import { isApplicable } from './change-view.js';
import { detailsOf } from './details.js';
import { docsUrl } from './docs-links.js';
import { fixScope, recommendationRule } from './fix-choice.js';

/** Options of the text renderer. */
export interface TextOptions {
  color?: boolean;
  /** Add the details (evidence, resolution path, changes). */
  verbose?: boolean;
  /** Where check documentation paths are browsed (default: the project's repository). */
  docsBaseUrl?: string;
}

type Colors = ReturnType<typeof createColors>;

function indent(text: string, pad: string): string {
  return text.split('\n').map((l) => (l.length > 0 ? pad + l : l)).join('\n');
}

function colorDiff(diff: string, c: Colors): string {
  return diff
    .split('\n')
    .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? c.green(l) : l.startsWith('-') && !l.startsWith('---') ? c.red(l) : l.startsWith('@@') ? c.cyan(l) : l))
    .join('\n');
}

const scopeWord = { workload: 'one workload', zone: 'one zone', cluster: 'every pod' } as const;

/** "(Corefile patch, one zone, risk medium, stop-gap)" */
export function fixTags(fix: Report['findings'][number]['fixes'][number]): string {
  const kind = fix.kind === 'corefile-patch' ? 'Corefile patch' : fix.kind === 'workload-patch' ? 'workload patch' : 'advice';
  return `(${kind}${isApplicable(fix) ? `, ${scopeWord[fixScope(fix)]}` : ''}, risk ${fix.risk}${fix.durability === 'stop-gap' ? ', stop-gap' : ''})`;
}

function details(report: Report, c: Colors): string[] {
  const d = detailsOf(report);
  const out = ['', c.bold('Details')];
  for (const f of d.findings) {
    const x = f.finding;
    const sev = x.severity === 'error' ? c.red('ERROR') : x.severity === 'warn' ? c.yellow('WARN') : c.blue('INFO');
    out.push('', `${sev} ${x.title} ${c.dim(`[${x.checkId}, confidence ${Math.round(x.confidence * 100)}%]`)}`, indent(x.explanation, '  '));
    if (f.evidence.length > 0) out.push(c.dim('  evidence:'), ...f.evidence.map((l) => `    ${l}`));
    for (const fx of f.fixes) {
      out.push(`  fix ${fx.index + 1}${fx.recommended ? ' (recommended)' : ''}: ${fx.fix.title}`, ...fx.facts.map((l) => indent(l, '    ')));
      if (fx.change) out.push(`    change ${fx.hash}:`, indent(colorDiff(fx.change, c), '      '));
    }
  }
  if (d.path.length > 0) out.push('', c.bold('Resolution path:'), ...d.path.map((l) => `  ${l.startsWith('✓') ? c.green('✓') : c.red('✗')}${l.slice(1)}`));
  if (d.otherEvidence.length > 0) out.push('', c.bold('Other evidence:'), ...d.otherEvidence.map((l) => `  ${l}`));
  if (d.notProbed.length > 0) out.push('', c.yellow('Not probed:'), ...d.notProbed.map((n) => `  - ${n}`));
  out.push('', c.dim(`The recommended fix of each cause is picked by: ${recommendationRule}.`));
  return out;
}

/** Renders a report as terminal text. */
export function renderText(report: Report, opts: TextOptions = {}): string {
  const c = createColors(opts.color ?? false);
  const brief = briefOf(report);
  const target = `${report.name}${report.port ? `:${report.port}` : ''} from ${report.pod.namespace}/${report.pod.name}`;
  const word = verdictWord[report.verdict].toUpperCase();
  const out = [`${c.bold(report.verdict === 'broken' ? c.red(word) : report.verdict === 'healthy' ? c.green(word) : c.yellow(word))} ${target}`];
  const where = `${report.pod.node ? ` on ${report.pod.node}${report.pod.zone ? ` (${report.pod.zone})` : ''}` : ''}${report.pod.ip ? `, ${report.pod.ip}` : ''}`;
  out.push(c.dim(`pod ${report.pod.namespace}/${report.pod.name}${where}${report.pod.resolvedFrom ? ` (picked from ${report.pod.resolvedFrom})` : ''}${report.cluster ? `; cluster ${report.cluster}` : ''}`));
  if (brief.causes.length === 0) {
    out.push('', brief.healthy ? brief.healthy.title : report.findings[0]?.title ?? 'No finding: every check passed.');
  }
  for (const cause of brief.causes) {
    const f = cause.finding;
    out.push('', `${c.bold('Cause:')} ${f.title} ${c.dim(`[${f.checkId}]`)}`, indent(cause.cause, '  '));
    if (cause.recommended !== undefined) {
      const fix = f.fixes[cause.recommended]!;
      out.push(`${c.bold('Recommended fix:')} ${fix.title} ${c.dim(fixTags(fix))}`, `  blast radius: ${fix.blastRadius}`);
      if (fix.kind === 'advice') out.push(...fix.steps.map((s, i) => indent(`${i + 1}. ${s}`, '  ')));
      else out.push(`  changes: ${fix.changes}`);
      if (cause.stopGap) out.push(c.yellow(`  ! ${cause.stopGap}`));
    }
    if (cause.alternatives.length > 0) out.push('Other fixes:', ...cause.alternatives.map((j) => `  - ${f.fixes[j]!.title} ${c.dim(fixTags(f.fixes[j]!))}`));
  }
  const also = alsoNoticedLine(brief);
  if (also) out.push('', `${c.bold('Also noticed:')} ${also}`);
  if (brief.notProbed.length > 0) out.push(`${c.yellow('Not probed:')} ${brief.notProbed.join('; ')}`);
  if (brief.notes.length > 0) out.push(c.yellow('Notes:'), ...brief.notes.map((n) => `  - ${n}`));
  const shown = brief.causes.length > 0 ? brief.causes.map((x) => x.finding) : report.findings;
  const urls = [...new Set([...shown.map((f) => docsUrl(f.docsUrl, opts.docsBaseUrl)), ...shown.flatMap((f) => (f.references ?? []).map((r) => r.url))])];
  if (urls.length > 0) out.push(c.dim(`Docs: ${urls.join(' ')}`));
  if (opts.verbose) out.push(...details(report, c));
  else out.push('', c.dim('--verbose (or -o wide) adds the evidence, the resolution path and the changes.'));
  out.push('', c.dim(`${report.durationMs} ms${report.apiRequests !== undefined ? `, ${report.apiRequests} API requests` : ''}, ${report.evidence.length} evidence items`));
  return out.join('\n') + '\n';
}
