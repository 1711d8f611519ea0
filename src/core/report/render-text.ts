/**
 * Terminal text: the verdict on the first line, then findings by severity (explanation, evidence
 * refs, fixes with their diff and proof), then the resolution path hop by hop. Colour only when asked
 * (`{ color: true }`; the CLI passes `process.stdout.isTTY`).
 */
import { createColors } from 'picocolors';
import { healthyCheckId, verdictWord, type Finding, type Fix, type Report } from '../model/index.js';

/** Options of the text renderer. */
export interface TextOptions {
  color?: boolean;
  /** Include fix diffs (default true). */
  diffs?: boolean;
}

type Colors = ReturnType<typeof createColors>;

function indent(text: string, pad: string): string {
  return text.split('\n').map((l) => (l.length > 0 ? pad + l : l)).join('\n');
}

function colorDiff(diff: string, c: Colors): string {
  return diff
    .split('\n')
    .filter((l) => !l.startsWith('Index:') && !/^={5,}/.test(l))
    .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? c.green(l) : l.startsWith('-') && !l.startsWith('---') ? c.red(l) : l.startsWith('@@') ? c.cyan(l) : l))
    .join('\n');
}

function fixText(fix: Fix, i: number, c: Colors, diffs: boolean): string {
  const head = `${i + 1}. ${c.bold(fix.kind)}: ${fix.title}  ${c.dim(`(risk ${fix.risk})`)}`;
  const lines = [head, `   blast radius: ${fix.blastRadius}`];
  if (fix.kind === 'advice') for (const s of fix.steps) lines.push(indent(`- ${s}`, '   '));
  if (fix.kind === 'corefile-patch') {
    lines.push(`   target: ConfigMap ${fix.target.namespace}/${fix.target.name} key ${fix.target.key}${fix.target.resourceVersion ? ` (resourceVersion ${fix.target.resourceVersion})` : ''}${fix.needsRestart ? '; CoreDNS must be restarted to load it (no reload plugin)' : ''}`);
    lines.push(`   proof: ${fix.simulation.proof}`);
    lines.push(`   controls unchanged: ${fix.simulation.controls.map((q) => `${q.name.replace(/\.$/, '')} from ${q.client}`).join(', ')}`);
    if (diffs) lines.push(indent(colorDiff(fix.diff, c), '   '));
  }
  if (fix.kind === 'workload-patch') {
    lines.push(`   target: ${fix.target.kind} ${fix.target.namespace}/${fix.target.name} (pod template)`);
    if (diffs) lines.push(indent(colorDiff(fix.diff, c), '   '));
  }
  return lines.join('\n');
}

function findingText(f: Finding, c: Colors, diffs: boolean): string {
  const sev = f.severity === 'error' ? c.red(c.bold('ERROR')) : f.severity === 'warn' ? c.yellow(c.bold('WARN')) : c.blue('INFO');
  const lines = [`${sev} ${f.title} ${c.dim(`[${f.checkId}]`)}`, indent(f.explanation, '  ')];
  if (f.evidenceRefs.length > 0) lines.push(c.dim(`  evidence: ${f.evidenceRefs.join(', ')}`));
  if (f.fixes.length > 0) {
    lines.push('  fixes:');
    f.fixes.forEach((x, i) => lines.push(indent(fixText(x, i, c, diffs), '  ')));
  }
  lines.push(c.dim(`  docs: ${f.docsUrl}`));
  return lines.join('\n');
}

/** Renders a report as terminal text. */
export function renderText(report: Report, opts: TextOptions = {}): string {
  const c = createColors(opts.color ?? false);
  const diffs = opts.diffs ?? true;
  const word = verdictWord[report.verdict].toUpperCase();
  const verdict = c.bold(report.verdict === 'broken' ? c.red(word) : report.verdict === 'healthy' ? c.green(word) : c.yellow(word));
  const out = [`${verdict} ${report.summary}`];
  const where = `${report.pod.namespace}/${report.pod.name}${report.pod.node ? ` on ${report.pod.node}${report.pod.zone ? ` (${report.pod.zone})` : ''}` : ''}${report.pod.ip ? `, ${report.pod.ip}` : ''}`;
  out.push(c.dim(`pod ${where}${report.pod.resolvedFrom ? ` (picked from ${report.pod.resolvedFrom})` : ''}; name ${report.name}${report.port ? `:${report.port}` : ''}${report.cluster ? `; cluster ${report.cluster}` : ''}`));
  const shown = report.findings.filter((f) => report.verdict === 'healthy' || f.severity !== 'info' || f.checkId !== healthyCheckId);
  if (shown.length > 0) {
    out.push('');
    for (const f of shown) out.push(findingText(f, c, diffs), '');
  }
  if (report.path.length > 0) {
    out.push(c.bold('Resolution path:'));
    for (const h of report.path) {
      const mark = h.ok ? c.green('✓') : c.red('✗');
      out.push(`  ${mark} ${h.step}: ${h.detail}${h.ms !== undefined ? c.dim(` (${h.ms} ms)`) : ''}`);
    }
  }
  if (report.notes && report.notes.length > 0) {
    out.push('', c.yellow('Notes:'));
    for (const n of report.notes) out.push(`  - ${n}`);
  }
  out.push('', c.dim(`${report.durationMs} ms${report.apiRequests !== undefined ? `, ${report.apiRequests} API requests` : ''}, ${report.evidence.length} evidence items`));
  return out.join('\n') + '\n';
}
