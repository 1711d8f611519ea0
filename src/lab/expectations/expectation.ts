/** How a report is judged against one `expect` entry of a lab scenario. Pure. */
import { severityRank } from '../../core/model/finding.js';
import type { Report } from '../../core/model/report.js';
import type { ScenarioExpectation } from '../scenario/schema.js';
import { evidenceOfKind } from '../../core/model/index.js';
import { notProbedItems } from '../../core/report/brief.js';

/** Check ids the report raises at warn or error ("reported", in the words of docs/lab-scenario.md). */
export function reportedIds(report: Report): string[] {
  return [...new Set(report.findings.filter((f) => severityRank[f.severity] >= severityRank.warn).map((f) => f.checkId))];
}

/** Whether evidence from `from` was gathered by the probe with that label ("twin probe pod", "node-view probe on NODE"). */
function ranAs(label: string, from: Report['evidence'][number]['from']): boolean {
  if (label === 'twin probe pod') return from.kind === 'probe-pod' && !!from.twinOf;
  const node = /^node-view probe on (.+)$/.exec(label)?.[1];
  return node !== undefined && from.kind === 'node' && from.name === node;
}

/** Everything about the report that contradicts the expectation, in words; empty when it holds. */
export function problemsWith(report: Report, expectation: ScenarioExpectation): string[] {
  const problems: string[] = [];
  const reported = reportedIds(report);
  if (report.verdict !== expectation.verdict) problems.push(`verdict is ${report.verdict}, expected ${expectation.verdict}`);
  for (const id of expectation.findings) {
    if (!reported.includes(id)) problems.push(`finding ${id} was not reported at warn or error (reported: ${reported.join(', ') || 'none'})`);
  }
  for (const id of expectation.absent) {
    if (reported.includes(id)) problems.push(`finding ${id} was reported but must not be`);
  }
  const offered = new Set(report.findings.filter((f) => severityRank[f.severity] >= severityRank.warn).flatMap((f) => f.fixes.map((x) => x.kind)));
  for (const kind of expectation.fixes) {
    if (!offered.has(kind)) problems.push(`no ${kind} fix was offered (offered: ${[...offered].join(', ') || 'none'})`);
  }
  const notProbed = notProbedItems(report);
  for (const words of expectation.notProbed) {
    if (!notProbed.some((item) => item.includes(words))) problems.push(`no "could not probe" item says "${words}" (items: ${notProbed.join(' | ') || 'none'})`);
  }
  const failed = evidenceOfKind(report.evidence, 'probe-error');
  for (const label of expectation.probed) {
    const e = failed.find((x) => x.probe === label);
    if (e) problems.push(`the ${label} did not run: ${e.reason}`);
    else if (!report.evidence.some((x) => ranAs(label, x.from))) problems.push(`no evidence came from the ${label}`);
  }
  return problems;
}
