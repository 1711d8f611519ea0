/** "Other fixes (N)": opens one cause's alternatives in the report message, each with its own button. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { refreshReport } from '../../flows/report-thread.js';
import { openReportClick } from './report-click.js';

/** The other-fixes listener. */
export function otherFixes(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    const opened = await openReportClick(deps, args);
    if (!opened) return;
    const { click, r } = opened;
    if (click.finding === undefined || !r.report.findings[click.finding]) return;
    if (await deps.reports.open(r.id, click.finding)) await refreshReport(deps, r.id);
  };
}
