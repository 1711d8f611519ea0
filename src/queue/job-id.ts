/**
 * BullMQ job ids: no `:` (BullMQ rejects it, "Custom Id cannot contain :") and never integer-like
 * ("Custom Id cannot be integers"), so every id starts with a word prefix and uses `-` as separator.
 */
import { createHash, randomUUID } from 'node:crypto';

/**
 * Builds a job id from a prefix and parts; parts are sanitised, long parts hashed.
 * @param prefix - a lowercase word (diag, apply, report…)
 * @param parts - free text (user input allowed)
 */
export function jobId(prefix: string, ...parts: string[]): string {
  if (!/^[a-z][a-z-]*$/.test(prefix)) throw new Error(`job id prefix must be a lowercase word, got "${prefix}"`);
  const safe = parts.map((p) => {
    const cleaned = p.replace(/[^A-Za-z0-9._-]/g, '_');
    return cleaned.length > 60 ? shortHash(p) : cleaned;
  });
  return [prefix, ...safe].join('-');
}

/** A fresh unique job id with a prefix. */
export function newJobId(prefix: string): string {
  return jobId(prefix, randomUUID().replace(/-/g, '').slice(0, 20));
}

/** 16 hex chars of sha256: keys derived from user input stay short and safe. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** True when BullMQ would accept the id as a custom job id. */
export function isValidJobId(id: string): boolean {
  return id.length > 0 && !id.includes(':') && !/^-?\d+$/.test(id);
}
