/** How a report is judged against one `expect` entry of a lab scenario. Pure. */
import { severityRank } from '../../core/model/finding.js';
import type { Report } from '../../core/model/report.js';
import type { ScenarioExpectation } from '../scenario/schema.js';

/** Check ids the report raises at warn or error ("reported", in the words of docs/lab-scenario.md). */
export function reportedIds(report: Report): string[] {
  return [...new Set(report.findings.filter((f) => severityRank[f.severity] >= severityRank.warn).map((f) => f.checkId))];
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
  return problems;
}
