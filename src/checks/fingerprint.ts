/**
 * Finding fingerprints: a hash of the check id and the decisive evidence VALUES (addresses, rcodes,
 * node names), never of rendered text and never of evidence ids, so the same fault seen in two runs
 * gets the same fingerprint and a posted finding is not posted again.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so the same values always hash the same. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/**
 * Fingerprint of a finding: 16 hex characters of SHA-256 over the check id and the decisive values.
 * @param checkId - the check's stable id
 * @param decisive - the values that prove the finding; sort sets before passing them
 */
export function fingerprint(checkId: string, decisive: unknown): string {
  return createHash('sha256').update(`${checkId}\n${canonical(decisive)}`).digest('hex').slice(0, 16);
}
