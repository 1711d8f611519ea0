/** A stable hash of a pod template (keys sorted), to tell "the template changed" from "the status changed". */
import { createHash } from 'node:crypto';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** sha256 hex of the template's canonical JSON. */
export function templateHash(template: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(canonical(template))).digest('hex');
}
