/** "Diagnose again" (offered when a fix was refused because its target changed): a fresh /dns why. */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { renderNotice } from '../../blocks/apply-blocks.js';
import type { SlackDeps } from '../../deps.js';
import { startDiagnosis } from '../../flows/start-diagnosis.js';
import { readClick } from './click.js';

/** The rediagnose listener. */
export function rediagnose(deps: SlackDeps) {
  return async (args: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await args.ack();
    const click = readClick(args);
    if (!click) return;
    const p = await deps.proposals.get(click.proposalId);
    if (!p) return deps.poster.ephemeral({ channel: click.channel }, click.user, renderNotice('This proposal is unknown or was removed.'));
    await startDiagnosis(deps, { channel: click.channel, user: click.user, cluster: p.cluster, target: p.target });
  };
}
