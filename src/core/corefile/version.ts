/**
 * CoreDNS version strings ("1.14.7", "v1.8.0") and their ordering. Validation and the directive
 * list depend on the version a cluster runs (docs/coredns-semantics.md, "Version differences").
 */

/** The newest CoreDNS release this engine models; the default for every version-dependent rule. */
export const newestCorednsVersion = '1.14.7';

/** A parsed version as [major, minor, patch]. */
export type Version = [number, number, number];

/** Parses "1.14.7" or "v1.8"; returns undefined for anything else. */
export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** True when `version` is at least `since` (both as strings; an unparsable version counts as the newest). */
export function atLeast(version: string | undefined, since: string): boolean {
  const v = parseVersion(version ?? newestCorednsVersion) ?? parseVersion(newestCorednsVersion)!;
  return compareVersions(v, parseVersion(since)!) >= 0;
}
