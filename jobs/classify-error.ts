/**
 * Which failures retrying cannot fix: the pod does not exist, the API forbids us, the input or the
 * fix is invalid, the configuration is wrong. Those become UnrecoverableError (no retry); anything
 * else (timeouts, connection resets, 5xx) is retried with backoff.
 */

/** Error class names that mean "do not retry". Matched by name: they live in other layers. */
const permanent = new Set(['PodNotFoundError', 'ForbiddenError', 'NotFoundError', 'InvalidRequestError', 'FixRejectedError', 'ScenarioError', 'ConfigError', 'UnrecoverableError']);

/** True when retrying cannot help. */
export function isPermanent(err: unknown): boolean {
  return err instanceof Error && (permanent.has(err.name) || permanent.has(err.constructor.name));
}

/** True for a resourceVersion conflict (the target changed). */
export function isConflict(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ConflictError' || err.name === 'StaleTargetError' || (err as { code?: number }).code === 409);
}

/** A message for the thread: the permission for Forbidden, the candidates for an unknown pod. */
export function describeError(err: unknown): { message: string; candidates?: string[] } {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { permission?: string; candidates?: string[] };
  if (e.name === 'ForbiddenError' && typeof e.permission === 'string') return { message: `${e.message} (missing permission: ${e.permission})` };
  if (Array.isArray(e.candidates)) return { message: e.message, candidates: e.candidates.slice(0, 10) };
  return { message: e.message };
}
