/**
 * The state a report message is rendered from, besides the report itself: which proposal stands
 * behind each fix and where it is (pending, applied, superseded…), which "Other fixes" lists are
 * open, and whether the details were posted. The report message is re-rendered from it after every
 * click and every apply or rollback, so the thread always shows one current picture.
 */
import type { Fix, Report } from '../../core/model/index.js';
import { briefOf } from '../../core/report/brief.js';
import { isApplicable } from '../../core/report/change-view.js';
import type { ProposalStatus } from '../../store/proposal-store.js';

/** The key of fix j of finding i. */
export function slotKey(finding: number, fix: number): string {
  return `${finding}-${fix}`;
}

/** What stands behind one fix of the report. */
export interface FixSlot {
  proposalId: string;
  status: ProposalStatus;
  /** Who changed it last, and when (ISO). */
  actor?: string;
  at?: string;
  /** Set when the fix shown is not the one first proposed (re-proven after an apply or rollback). */
  fix?: Fix;
  /** One line on how the slot got where it is ("re-proven against the new Corefile (resourceVersion 42)"). */
  note?: string;
  /** Whether the last re-run verified an applied fix. */
  verified?: boolean;
}

export interface ReportViewState {
  reportId: string;
  /** By slotKey; fixes without a slot (advice, referenced findings) have no proposal. */
  slots: Record<string, FixSlot>;
  /** Findings whose "Other fixes" list is open. */
  openFindings: number[];
  /** Set once the details were posted in the thread (with a link when the permalink was known). */
  details?: { link?: string };
  /** Set when fixes cannot be applied from Slack (diagnose-only): the one-line reason. */
  applyDisabled?: string;
}

/** The buttons' values: a report id, and a report id with a finding index. */
export const reportValuePattern = /^rep-[a-f0-9]{8,32}(\/\d{1,3})?$/;

/** The value of "Other fixes" for finding i. */
export function otherFixesValue(reportId: string, finding: number): string {
  return `${reportId}/${finding}`;
}

/**
 * The fixes of a report that get a proposal (an Approve button): every fix that can be applied of
 * each cause, except causes already reported in the channel. Findings below warn never do.
 */
export function proposedSlots(report: Report, referenced: Record<string, unknown> = {}): { finding: number; fix: number }[] {
  const out: { finding: number; fix: number }[] = [];
  for (const c of briefOf(report).causes) {
    if (referenced[c.finding.fingerprint]) continue;
    c.finding.fixes.forEach((fix, j) => {
      if (isApplicable(fix)) out.push({ finding: c.index, fix: j });
    });
  }
  return out;
}
