/** Markdown: the same content as the text renderer, for issues, chat and files. */
import { verdictWord, type Finding, type Fix, type Report } from '../model/index.js';

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fixMd(fix: Fix, i: number): string {
  const lines = [`${i + 1}. **${fix.kind}**: ${fix.title} (risk ${fix.risk})`, `   - Blast radius: ${fix.blastRadius}`];
  if (fix.kind === 'advice') for (const s of fix.steps) lines.push(`   - ${s.replace(/\n/g, '\n     ')}`);
  if (fix.kind === 'corefile-patch') {
    lines.push(`   - Target: ConfigMap \`${fix.target.namespace}/${fix.target.name}\` key \`${fix.target.key}\`${fix.needsRestart ? ' (restart CoreDNS to load it)' : ''}`);
    lines.push(`   - Proof: ${fix.simulation.proof}`);
    lines.push('', '   ```diff', ...fix.diff.split('\n').map((l) => `   ${l}`), '   ```');
  }
  if (fix.kind === 'workload-patch') {
    lines.push(`   - Target: ${fix.target.kind} \`${fix.target.namespace}/${fix.target.name}\` (pod template)`);
    lines.push('', '   ```diff', ...fix.diff.split('\n').map((l) => `   ${l}`), '   ```');
  }
  return lines.join('\n');
}

function findingMd(f: Finding): string {
  const lines = [`### ${f.severity.toUpperCase()}: ${f.title} (\`${f.checkId}\`)`, '', f.explanation, ''];
  if (f.evidenceRefs.length > 0) lines.push(`Evidence: ${f.evidenceRefs.map((r) => `\`${r}\``).join(', ')}`, '');
  if (f.fixes.length > 0) lines.push('**Fixes**', '', ...f.fixes.map(fixMd), '');
  lines.push(`Docs: ${f.docsUrl}`, '');
  return lines.join('\n');
}

/** Renders a report as Markdown. */
export function renderMarkdown(report: Report): string {
  const out = [`## ${verdictWord[report.verdict]}: ${report.summary}`, ''];
  out.push(`Pod \`${report.pod.namespace}/${report.pod.name}\`${report.pod.node ? ` on \`${report.pod.node}\`` : ''}${report.pod.zone ? ` (${report.pod.zone})` : ''}, name \`${report.name}${report.port ? `:${report.port}` : ''}\`${report.cluster ? `, cluster \`${report.cluster}\`` : ''}.`, '');
  for (const f of report.findings) out.push(findingMd(f));
  if (report.path.length > 0) {
    out.push('### Resolution path', '', '| | step | detail | ms |', '|---|---|---|---|');
    for (const h of report.path) out.push(`| ${h.ok ? '✓' : '✗'} | ${esc(h.step)} | ${esc(h.detail)} | ${h.ms ?? ''} |`);
    out.push('');
  }
  if (report.notes && report.notes.length > 0) out.push('### Notes', '', ...report.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}
