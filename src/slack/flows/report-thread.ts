/**
 * The report message of a thread as one current picture: rebuilt from the stored report and the
 * status of each of its proposals whenever something changes (a click, an apply, a rollback), and
 * the details posted once (as a reply, or a file when long). Used by the button listeners and by the
 * delivery worker, both in the app process.
 */
import type { QueueLogger } from '../../queue/connection.js';
import type { PostLedger } from '../../store/post-ledger.js';
import type { ProposalStore } from '../../store/proposal-store.js';
import type { ReportRecord, ReportStore } from '../../store/report-store.js';
import { renderDetails } from '../blocks/details-blocks.js';
import { renderReport } from '../blocks/report-blocks.js';
import type { ReportViewState } from '../blocks/report-view.js';
import { postOnce } from '../poster/idempotent-post.js';
import { uploadOrInline } from '../poster/upload-or-inline.js';
import type { SlackPoster } from '../poster/slack-poster.js';

export interface ReportThreadDeps {
  poster: SlackPoster;
  ledger: PostLedger;
  proposals: ProposalStore;
  reports: ReportStore;
  log?: QueueLogger;
  docsBaseUrl?: string;
  /** Set when fixes cannot be applied from Slack: the one-line reason shown instead of the button. */
  applyDisabled?: string;
}

/** The view state of a stored report: each slot with its proposal's current status. */
export async function viewStateOf(deps: ReportThreadDeps, r: ReportRecord): Promise<ReportViewState> {
  const slots: ReportViewState['slots'] = {};
  for (const [key, s] of Object.entries(r.slots)) {
    const p = await deps.proposals.get(s.proposalId);
    if (!p) continue;
    slots[key] = {
      proposalId: p.id,
      status: p.status,
      ...(p.actor ? { actor: p.actor } : {}),
      ...(p.changedAt ? { at: p.changedAt } : {}),
      ...(s.fix ? { fix: s.fix } : {}),
      ...(s.note ? { note: s.note } : {}),
      ...(p.verified !== undefined ? { verified: p.verified } : {}),
    };
  }
  return {
    reportId: r.id,
    slots,
    openFindings: r.openFindings,
    ...(r.details ? { details: r.details.link ? { link: r.details.link } : {} } : {}),
    // This app's own setting, else the worker's: a diagnose-only worker says why in its report.
    ...((deps.applyDisabled ?? r.report.applyDisabled) ? { applyDisabled: (deps.applyDisabled ?? r.report.applyDisabled)! } : {}),
  };
}

/** Renders the report message of a stored report in its current state. */
export async function renderStoredReport(deps: ReportThreadDeps, r: ReportRecord) {
  return renderReport(r.report, { askers: r.askers, referenced: r.referenced, state: await viewStateOf(deps, r), ...(deps.docsBaseUrl ? { docsBaseUrl: deps.docsBaseUrl } : {}) });
}

/** Re-renders the report message in place (under the report's lock); failures are logged, never thrown. */
export async function refreshReport(deps: ReportThreadDeps, reportId: string): Promise<void> {
  try {
    await deps.reports.withLock(reportId, async () => {
      const r = await deps.reports.get(reportId);
      if (!r?.messageTs) return;
      await deps.poster.update(r.thread.channel, r.messageTs, await renderStoredReport(deps, r));
    });
  } catch (err) {
    deps.log?.warn({ err: (err as Error).message, reportId }, 'could not update the report message');
  }
}

/**
 * Posts the details of a report once (a reply; a short reply plus a file when long) and returns
 * where they are. The link is optional: without a permalink the messages say "in the thread".
 */
export async function ensureDetails(deps: ReportThreadDeps, reportId: string): Promise<{ link?: string; posted: boolean } | undefined> {
  const r = await deps.reports.get(reportId);
  if (!r) return undefined;
  if (r.details) return { ...(r.details.link ? { link: r.details.link } : {}), posted: false };
  const { message, file } = renderDetails(r.report);
  const res = await postOnce(deps.poster, deps.ledger, `${reportId}-details`, r.thread, message);
  if (file) await uploadOrInline(deps, `${reportId}-details-file`, r.thread, file, `Details of the report (${file.filename})`);
  // The link is a convenience: without it the messages say "in the thread".
  const link = await deps.poster.permalink(r.thread.channel, res.ts).catch(() => undefined);
  await deps.reports.setDetails(reportId, { ts: res.ts, ...(link ? { link } : {}) });
  await refreshReport(deps, reportId);
  return { ...(link ? { link } : {}), posted: res.posted };
}
