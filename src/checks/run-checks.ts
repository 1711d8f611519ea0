/**
 * Runs every registered check against one diagnosis' evidence. One check throwing is recorded as a
 * note and never stops the others (k8sgpt records "[name] err" the same way). Findings come back
 * ordered by severity, then by how directly the evidence shows the failure (confidence).
 */
import { sortFindings, type Finding } from '../core/model/index.js';
import type { Check, CheckInput } from './define-check.js';
import { checks as registered } from './registry.js';

/** Findings plus the checks that could not run. */
export interface CheckRun {
  findings: Finding[];
  /** "search-path-amplification failed: TypeError: …" */
  notes: string[];
}

function runOne(check: Check, input: CheckInput, notes: string[]): Finding[] {
  try {
    return check.run(input).map((f) => ({ ...f, checkId: check.id }));
  } catch (err) {
    notes.push(`${check.id} could not run: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

/**
 * Runs the checks and keeps the notes of checks that threw.
 * @param input - the pod, the name and the evidence
 * @param list - the checks to run (the registry by default)
 */
export function runChecksDetailed(input: CheckInput, list: readonly Check[] = registered): CheckRun {
  const notes: string[] = [];
  const findings: Finding[] = [];
  for (const check of list.filter((c) => !c.meta.onlyWhenNothingElse)) findings.push(...runOne(check, input, notes));
  const bad = findings.some((f) => f.severity !== 'info');
  if (!bad) for (const check of list.filter((c) => c.meta.onlyWhenNothingElse)) findings.push(...runOne(check, input, notes));
  return { findings: sortFindings(findings), notes };
}

/** Runs every registered check; findings ordered by severity and confidence. */
export function runChecks(input: CheckInput): Finding[] {
  return runChecksDetailed(input).findings;
}
