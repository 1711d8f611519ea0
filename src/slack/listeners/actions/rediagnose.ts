/** "Diagnose again" (offered when a fix was refused because its target changed): a fresh /dns why. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { queueStart } from '../../flows/start-diagnosis.js';
import { openProposalClick } from './click.js';

/** The rediagnose listener. */
export function rediagnose(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    const opened = await openProposalClick(deps, args);
    if (!opened) return;
    const { click, p } = opened;
    await queueStart(deps, { channel: click.channel, user: click.user, cluster: p.cluster, target: p.target, ...(click.slackRequest ? { slackRequest: click.slackRequest } : {}) });
  };
}
