/**
 * Slack action and callback ids, defined once (snake_case, namespaced with `dnswhy_`). Buttons
 * carry only a proposal id as value; everything else is looked up server-side.
 */
export const actionIds = {
  approveFix: 'dnswhy_fix_approve',
  showDiff: 'dnswhy_fix_show_diff',
  dismissFix: 'dnswhy_fix_dismiss',
  rollbackFix: 'dnswhy_fix_rollback',
  rediagnose: 'dnswhy_rediagnose',
} as const;

/** The slash command this app registers (see deploy/slack-app-manifest.yaml). */
export const slashCommand = '/dns';

/** Message metadata event type that marks our posts (used to find a post after a crash). */
export const postMetadataType = 'dnswhy_post';
