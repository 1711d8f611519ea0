/**
 * Which failures retrying cannot fix, and which are conflicts (an answer, not a failure). Reads only
 * the `code` and `permanent` fields of the error convention (src/core/errors.ts), never a class name
 * or a message, so renaming a class cannot change the retry policy. Anything without those fields
 * (timeouts, connection resets, client-library errors) is transient and retried with backoff.
 */
import { UnrecoverableError } from 'bullmq';
import { codedError } from '../src/core/errors.js';

/** Codes that mean "the target changed under us": the thread offers to re-diagnose instead of failing. */
const conflictCodes = new Set(['cluster-conflict', 'fix-stale-target']);

/** True when retrying cannot help. */
export function isPermanent(err: unknown): boolean {
  return err instanceof UnrecoverableError || codedError(err)?.permanent === true;
}

/** True for a resourceVersion conflict (the target changed). */
export function isConflict(err: unknown): boolean {
  const coded = codedError(err);
  return coded !== undefined && conflictCodes.has(coded.code);
}

/** A message for the thread: the permission for Forbidden, the candidates for an unknown pod. */
export function describeError(err: unknown): { message: string; candidates?: string[] } {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const e = err as { message?: unknown; permission?: unknown; candidates?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.permission === 'string') return { message: `${message} (missing permission: ${e.permission})` };
  if (Array.isArray(e.candidates)) return { message, candidates: e.candidates.slice(0, 10).map(String) };
  return { message };
}
