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
  showDetails: 'dnswhy_report_details',
  otherFixes: 'dnswhy_report_other_fixes',
} as const;

/**
 * Slack wants action ids unique within a message; a report message has several Approve buttons.
 * The first keeps the plain id, later ones get ".2", ".3"…; listeners match either form.
 */
export function actionIdPattern(id: string): RegExp {
  return new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.\\d+)?$`);
}

/** The slash command this app registers (see deploy/slack-app-manifest.yaml). */
export const slashCommand = '/dns';

/** Message metadata event type that marks our posts (used to find a post after a crash). */
export const postMetadataType = 'dnswhy_post';
