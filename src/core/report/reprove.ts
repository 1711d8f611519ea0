/**
 * After a fix of a report is applied or rolled back, the report's other fixes were proven against
 * a cluster that no longer exists. The re-run diagnosis (made against the new state) decides what
 * becomes of each: its cause is gone (superseded), or the re-run offers the same change (still
 * valid, re-proven), a different change for the same purpose (replaced by the re-proven one), or no
 * such fix any more (superseded). Pure.
 */
import type { Finding, Fix } from '../model/index.js';

/** What is kept of a re-run's finding to re-prove fixes against it. */
export interface RerunFinding {
  checkId: string;
  messageId?: string;
  fingerprint: string;
  severity: Finding['severity'];
  fixes: Fix[];
}

export type Reproved =
  | { kind: 'cause-gone' }
  | { kind: 'no-such-fix' }
  | { kind: 'same'; fix: Fix }
  | { kind: 'changed'; fix: Fix };

/** The re-run's finding for the same cause: same fingerprint, else the same check and message. */
export function sameCause(original: Pick<Finding, 'checkId' | 'messageId' | 'fingerprint'>, rerun: RerunFinding[]): RerunFinding | undefined {
  return rerun.find((f) => f.fingerprint === original.fingerprint) ?? rerun.find((f) => f.checkId === original.checkId && f.messageId === original.messageId);
}

function targetOf(fix: Fix): string | undefined {
  if (fix.kind === 'corefile-patch') return `ConfigMap/${fix.target.namespace}/${fix.target.name}/${fix.target.key}`;
  if (fix.kind === 'workload-patch') return `${fix.target.kind}/${fix.target.namespace}/${fix.target.name}`;
  return undefined;
}

function sameChange(a: Fix, b: Fix): boolean {
  if (a.kind === 'advice' || b.kind === 'advice') return false;
  return a.diff === b.diff && a.target.resourceVersion === b.target.resourceVersion;
}

/** What becomes of one fix of the report, given the re-run's findings. */
export function reproveFix(original: Pick<Finding, 'checkId' | 'messageId' | 'fingerprint'>, fix: Fix, rerun: RerunFinding[]): Reproved {
  const cause = sameCause(original, rerun);
  if (!cause || cause.severity === 'info') return { kind: 'cause-gone' };
  const target = targetOf(fix);
  const candidates = cause.fixes.filter((f) => f.kind === fix.kind && targetOf(f) === target);
  const match = candidates.find((f) => f.title === fix.title) ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (!match) return { kind: 'no-such-fix' };
  return sameChange(fix, match) ? { kind: 'same', fix: match } : { kind: 'changed', fix: match };
}

/** The re-run's findings as kept in a job payload (applicable fixes only: advice is never re-proven). */
export function rerunFindings(findings: Finding[]): RerunFinding[] {
  return findings.map((f) => ({
    checkId: f.checkId,
    ...(f.messageId ? { messageId: f.messageId } : {}),
    fingerprint: f.fingerprint,
    severity: f.severity,
    fixes: f.fixes.filter((x) => x.kind !== 'advice'),
  }));
}
