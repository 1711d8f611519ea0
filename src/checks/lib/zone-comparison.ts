/**
 * The zone comparison that the "right somewhere else, wrong here" checks start from, or nothing when
 * another explanation owns the case first.
 */
import type { Facts } from './facts.js';
import { searchSuffixWin } from './search-suffix.js';
import { compareZoneAnswers, workingPin, type ZoneAnswers } from './zone-answers.js';

/** The cluster's and the zone's answers compared, unless there is no cluster answer, the pod never uses it, or a suffix won. */
export function zoneComparisonToExplain(f: Facts): ZoneAnswers | undefined {
  // A working /etc/hosts pin means this pod never uses the DNS answer.
  if (workingPin(f)) return undefined;
  // The cluster answered for a search-suffixed name, not for the name: search-suffix-wins explains it.
  if (searchSuffixWin(f)) return undefined;
  const z = compareZoneAnswers(f);
  // Nothing to compare when the cluster DNS gave no address for the name.
  return z.clusterAddrs.length > 0 ? z : undefined;
}
