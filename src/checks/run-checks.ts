/**
 * Runs every registered check against one diagnosis' evidence. A check that throws, or that says it
 * lacks the evidence it needs (LacksEvidenceError), is recorded as a note and never stops the others
 * (k8sgpt records "[name] err" the same way). Findings come back ordered by severity, then by how
 * directly the evidence shows the failure (confidence).
 */
import { sortFindings, type Finding } from '../core/model/index.js';
import type { Check, CheckInput } from './define-check.js';
import { LacksEvidenceError } from './lacks-evidence.js';
import { checks as registered } from './registry.js';

/** A check that did not judge: it threw (a bug), or it lacked the evidence it needs. */
export interface CheckNote {
  checkId: string;
  kind: 'threw' | 'lacked-evidence';
  /** "search-path-amplification could not run: …", "intermittent-timeouts could not judge: no burst … was gathered" */
  text: string;
}

/** Findings plus the checks that did not judge. */
export interface CheckRun {
  findings: Finding[];
  notes: CheckNote[];
}

function runOne(check: Check, input: CheckInput, notes: CheckNote[]): Finding[] {
  try {
    return check.run(input).map((f) => ({ ...f, checkId: check.id }));
  } catch (err) {
    if (err instanceof LacksEvidenceError) notes.push({ checkId: check.id, kind: 'lacked-evidence', text: `${check.id} could not judge: ${err.message}` });
    else notes.push({ checkId: check.id, kind: 'threw', text: `${check.id} could not run: ${err instanceof Error ? err.message : String(err)}` });
    return [];
  }
}

/**
 * Runs the checks and keeps the notes of checks that threw or lacked evidence.
 * @param input - the pod, the name and the evidence
 * @param list - the checks to run (the registry by default)
 */
export function runChecksDetailed(input: CheckInput, list: readonly Check[] = registered): CheckRun {
  const notes: CheckNote[] = [];
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
