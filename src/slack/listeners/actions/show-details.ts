/** "Show details": the evidence, the resolution path and the changes, posted once in the thread. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { renderNotice } from '../../blocks/apply-blocks.js';
import type { SlackDeps } from '../../deps.js';
import { ensureDetails } from '../../flows/report-thread.js';
import { openReportClick } from './report-click.js';

/** The show-details listener. */
export function showDetails(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    const opened = await openReportClick(deps, args);
    if (!opened) return;
    const { click, r } = opened;
    const res = await ensureDetails(deps, r.id);
    // A second click (the button is removed once the details are out, but clicks can cross) just points at them.
    if (res && !res.posted) await deps.poster.ephemeral(r.thread, click.user, renderNotice(`The details are already in this thread${res.link ? `: <${res.link}|open them>` : ''}.`));
  };
}
