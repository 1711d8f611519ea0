/** Registers every listener on the Bolt app (one listener per file). */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { actionIdPattern, actionIds, slashCommand } from '../ids.js';
import { approveFix } from './actions/approve-fix.js';
import { dismissFix } from './actions/dismiss.js';
import { rediagnose } from './actions/rediagnose.js';
import { rollbackFix } from './actions/rollback.js';
import { otherFixes } from './actions/other-fixes.js';
import { showDetails } from './actions/show-details.js';
import { showDiff } from './actions/show-diff.js';
import { dnsCommand } from './commands/dns.js';

/** Wires the /dns command and the fix buttons. */
export function registerListeners(app: App, deps: SlackDeps): void {
  app.command(slashCommand, dnsCommand(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: actionIdPattern(actionIds.approveFix) }, approveFix(deps));
  // Show full diff is no longer rendered (the change is shown once, in the details); kept for messages posted before.
  app.action<BlockAction<ButtonAction>>({ action_id: actionIdPattern(actionIds.showDiff) }, showDiff(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: actionIdPattern(actionIds.showDetails) }, showDetails(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: actionIdPattern(actionIds.otherFixes) }, otherFixes(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: actionIdPattern(actionIds.dismissFix) }, dismissFix(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: actionIdPattern(actionIds.rollbackFix) }, rollbackFix(deps));
  app.action<BlockAction<ButtonAction>>({ action_id: actionIdPattern(actionIds.rediagnose) }, rediagnose(deps));
}
