/** Registers every listener on the Bolt app (one listener per file). */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { actionIds, slashCommand } from '../ids.js';
import { approveFix } from './actions/approve-fix.js';
import { dismissFix } from './actions/dismiss.js';
import { rediagnose } from './actions/rediagnose.js';
import { rollbackFix } from './actions/rollback.js';
import { showDiff } from './actions/show-diff.js';
import { dnsCommand } from './commands/dns.js';

/** Wires the /dns command and the fix buttons. */
export function registerListeners(app: App, deps: SlackDeps): void {
  app.command(slashCommand, dnsCommand(deps));
  app.action<BlockAction<ButtonAction>>(actionIds.approveFix, approveFix(deps));
  app.action<BlockAction<ButtonAction>>(actionIds.showDiff, showDiff(deps));
  app.action<BlockAction<ButtonAction>>(actionIds.dismissFix, dismissFix(deps));
  app.action<BlockAction<ButtonAction>>(actionIds.rollbackFix, rollbackFix(deps));
  app.action<BlockAction<ButtonAction>>(actionIds.rediagnose, rediagnose(deps));
}
