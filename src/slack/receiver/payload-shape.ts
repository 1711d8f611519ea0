/**
 * What a correctly signed Slack request must look like before Bolt sees it. Bolt routes a body by
 * the fields it finds (`event` → an event, `command` → a slash command, `actions` → an action, …)
 * and then reads them without checking their types: a `null` user, an `actions` that is not a list
 * or an event without a type makes it throw deep inside, which would be a 500. Such a body is
 * refused with a 400 naming the field instead. Slack itself never sends one; a broken proxy, a
 * replay tool or a fuzzer does.
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const idOf = (v: unknown): string | undefined => (isObject(v) && typeof v.id === 'string' ? v.id : undefined);

/** Fields Bolt reads as objects (`body.user.id`, `body.channel.id`, …) whenever they are present. */
const objectFields = ['user', 'team', 'channel', 'container', 'message', 'view', 'enterprise', 'state'];
/** Of those, the ones Slack sends as null (an org-wide install has no team; most have no enterprise). */
const nullableFields = new Set(['team', 'enterprise']);

/** Fields Bolt (or our listeners) read as strings when present. */
const stringFields = ['type', 'command', 'text', 'user_id', 'channel_id', 'team_id', 'trigger_id', 'response_url', 'callback_id', 'api_app_id'];

/**
 * What is wrong with a request body, in words, or undefined when Bolt can route it.
 * @param body - the parsed body (form fields, the `payload=` JSON, or the Events API JSON)
 */
export function payloadProblem(body: Record<string, unknown>): string | undefined {
  const type = body.type;
  const what = typeof type === 'string' ? `the ${type} payload` : typeof body.command === 'string' ? `the ${body.command} command` : 'the payload';
  for (const f of stringFields) if (f in body && typeof body[f] !== 'string') return `${what} has a ${f} that is not text`;
  for (const f of objectFields) {
    const v = body[f];
    if (f in body && !isObject(v) && !(v === null && nullableFields.has(f))) return `${what} has a ${f} that is not an object`;
  }
  if ('event' in body || type === 'event_callback') {
    if (!isObject(body.event)) return `${what} has no event object`;
    if (typeof body.event.type !== 'string') return `${what} has an event without a type`;
    return undefined;
  }
  if ('actions' in body && (!Array.isArray(body.actions) || !body.actions.every(isObject))) return `${what} has actions that are not a list of objects`;
  const kind = boltKind(body);
  if (kind === undefined || kind === 'command') return undefined;
  // Who clicked, in which workspace and, for a message button, in which channel.
  const missing: string[] = [];
  if (!idOf(body.user)) missing.push('user');
  const team = idOf(body.team) ?? (isObject(body.user) ? body.user.team_id : undefined);
  if (typeof team !== 'string' || team === '') missing.push('team');
  if (kind === 'action' && body.view === undefined) {
    const container = isObject(body.container) ? body.container : undefined;
    if (!idOf(body.channel) && typeof container?.channel_id !== 'string') missing.push('channel');
  }
  return missing.length > 0 ? `${what} has no ${missing.join(', no ')}` : undefined;
}

/** How Bolt will route a body that is not an event (the order of its own tests), or undefined when it ignores it. */
function boltKind(body: Record<string, unknown>): 'command' | 'options' | 'action' | 'shortcut' | 'view' | undefined {
  if (body.command !== undefined) return 'command';
  if (body.name !== undefined || body.type === 'block_suggestion') return 'options';
  if (body.actions !== undefined || body.type === 'dialog_submission' || body.type === 'block_actions' || body.type === 'interactive_message') return 'action';
  if (body.type === 'shortcut' || body.type === 'message_action') return 'shortcut';
  if (body.type === 'view_submission' || body.type === 'view_closed') return 'view';
  return undefined;
}
