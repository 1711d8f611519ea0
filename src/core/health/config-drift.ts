/**
 * Config drift between two summaries: did the Corefile change, and how (a short unified diff made
 * with the `diff` package, bounded so it fits a Slack message).
 */
import { createTwoFilesPatch } from 'diff';
import type { ConfigDrift, HealthSnapshot } from './model.js';

/** Longest diff kept in a summary (characters); longer ones are cut with a note. */
export const maxDiffChars = 1800;

/**
 * Compares the current Corefile with the previous snapshot's.
 * @param loadedHashes - per replica, the hash CoreDNS reports as loaded
 */
export function configDrift(current: { text: string; hash: string } | undefined, previous: HealthSnapshot | undefined, loadedHashes: Record<string, string | undefined>): ConfigDrift {
  const staleReplicas = current
    ? Object.entries(loadedHashes)
        .filter(([, h]) => h !== undefined && h !== current.hash)
        .map(([pod]) => pod)
        .sort()
    : [];
  const base: ConfigDrift = { ...(current ? { hash: current.hash } : {}), changed: false, staleReplicas, ...(previous ? { previousAt: previous.at } : {}) };
  if (!current || !previous?.corefileHash || previous.corefileHash === current.hash) return base;
  const drift: ConfigDrift = { ...base, changed: true };
  if (previous.corefileText === undefined) return drift;
  const patch = createTwoFilesPatch('Corefile', 'Corefile', previous.corefileText, current.text, previous.at, 'now', { context: 2 });
  // The first two lines repeat the "Index"/"====" header createTwoFilesPatch writes: keep from ---.
  const body = patch.slice(patch.indexOf('---'));
  if (body.length <= maxDiffChars) return { ...drift, diff: body };
  const cut = body.lastIndexOf('\n', maxDiffChars);
  return { ...drift, diff: body.slice(0, cut > 0 ? cut : maxDiffChars), diffTruncated: true };
}
