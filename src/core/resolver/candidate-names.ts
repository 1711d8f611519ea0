/**
 * The names a stub resolver tries for one lookup, in order, when every try ends in NXDOMAIN.
 * glibc: resolv/res_query.c __res_context_search; musl: src/network/lookup_name.c
 * name_from_dns_search; busybox nslookup: its own search loop (measured with busybox 1.35).
 */
import { type Libc, type ResolvConf, effectiveOptions, usableSearch } from './resolv-conf.js';

/** Stub flavours: the two libcs, plus busybox nslookup's own resolver. */
export type StubFlavor = Libc | 'busybox';

/** Number of dots in a name, not counting a trailing one. */
export function countDots(name: string): number {
  return (name.replace(/\.$/, '').match(/\./g) ?? []).length;
}

/** Absolute form of a name (one trailing dot). */
export function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function withSuffix(name: string, suffix: string): string | undefined {
  const full = `${name}.${suffix}.`;
  // Names longer than 253 characters (plus the root dot) cannot be sent; libcs skip them.
  return full.length > 254 ? undefined : full;
}

/**
 * Candidate names in query order, each absolute (trailing dot).
 * - glibc: trailing dot → only as-is; dots ≥ ndots → as-is first, then each search suffix;
 *   otherwise each suffix, then as-is.
 * - musl: trailing dot or dots ≥ ndots → only as-is; otherwise each suffix, then as-is.
 * - busybox nslookup: a name with any dot → only as-is; a single label → each suffix and never
 *   the bare name (measured: with ndots:5, `s3.example.com` went out only as-is).
 */
export function candidateNames(name: string, conf: ResolvConf, flavor: StubFlavor): string[] {
  if (name === '' || name === '.') return ['.'];
  const trailingDot = name.endsWith('.');
  const bare = name.replace(/\.$/, '');
  const asIs = absolute(bare);
  if (trailingDot) return [asIs];
  const libc: Libc = flavor === 'busybox' ? 'musl' : flavor;
  const { ndots } = effectiveOptions(conf, libc);
  const dots = countDots(bare);
  const suffixed = usableSearch(conf, flavor === 'busybox' ? 'glibc' : libc)
    .map((s) => withSuffix(bare, s))
    .filter((n): n is string => n !== undefined);
  if (flavor === 'glibc') {
    if (dots >= ndots) return dedupe([asIs, ...suffixed]);
    return dedupe([...suffixed, asIs]);
  }
  if (flavor === 'busybox') {
    // busybox nslookup (add_query_with_search) ignores ndots: any dot → as-is only.
    if (dots > 0 || suffixed.length === 0) return [asIs];
    return dedupe(suffixed);
  }
  if (dots >= ndots) return [asIs];
  return dedupe([...suffixed, asIs]);
}

/** glibc treats a search entry equal to the root as the as-is query; keep the first occurrence only. */
function dedupe(names: string[]): string[] {
  return [...new Set(names)];
}
