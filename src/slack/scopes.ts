/**
 * The Slack Web API methods dnswhy calls and the bot scope each needs: the one list the app
 * manifests (deploy/slack-app-manifest*.yaml) are checked against, so they ask for exactly these.
 */

/** Method → the bot scopes it needs (none: any token may call it). */
export const methodScopes: Record<string, readonly string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  // Finding our own earlier posts in a thread after a crash (public and private channels).
  'conversations.replies': ['channels:history', 'groups:history'],
  // files.uploadV2 = files.getUploadURLExternal + files.completeUploadExternal.
  'files.uploadV2': ['files:write'],
  // Approvers and schedulers given as user groups.
  'usergroups.users.list': ['usergroups:read'],
};

/** Scopes that no method above implies, with the reason the manifest states next to each. */
export const extraScopes: Record<string, string> = {
  commands: 'the /dns slash command',
  'chat:write.public': 'scheduled health summaries and their confirmations in public channels the bot was never invited to (private channels still need /invite @dnswhy)',
};

/** Every bot scope the app needs, sorted. */
export function botScopes(): string[] {
  return [...new Set([...Object.values(methodScopes).flat(), ...Object.keys(extraScopes)])].sort();
}
