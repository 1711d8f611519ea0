/** Plain words for a refused status transition. */
import type { TransitionResult } from '../../../store/proposal-store.js';

/** What a button of an expired proposal answers. */
export const expiredText = ':hourglass: This proposal has expired, so nothing was changed: run the diagnosis again (`/dns why`) for a fresh one.';

/** Why a click did nothing. */
export function explainRefusal(r: Exclude<TransitionResult, { ok: true }>, what: 'apply' | 'dismiss' | 'rollback'): string {
  if (r.reason === 'missing') return 'This proposal is unknown or was removed; nothing was changed.';
  if (r.reason === 'expired') return expiredText;
  const by = r.actor ? ` by <@${r.actor}>` : '';
  const state: Record<string, string> = {
    applying: `is already being applied${by}`,
    applied: `was already applied${by}`,
    'rolling-back': `is being rolled back${by}`,
    'rolled-back': `was rolled back${by}`,
    dismissed: `was dismissed${by}`,
    conflict: 'was refused because the target changed since the diagnosis',
    failed: 'failed to apply earlier',
    pending: 'has not been applied yet',
    superseded: 'was superseded by another fix of this report',
  };
  return `Cannot ${what}: this fix ${state[r.status] ?? r.status}. Nothing was changed.`;
}

/** The refusal as one word for the audit line: missing, expired, or already-<status>. */
export function refusalOutcome(r: Exclude<TransitionResult, { ok: true }>): string {
  return r.reason === 'status' ? `already-${r.status}` : r.reason;
}
