/**
 * Did a search suffix win? The pod's lookup ended on "name.<search domain>" (it answered, or its empty
 * answer stopped musl), while the name as written, asked as an absolute name, answers something else.
 * Shared by search-suffix-wins, which reports it, and by the checks that must not blame another cause
 * for the same evidence (split horizon, amplification, the static-answer checks).
 */
import type { DnsQueryEvidence } from '../../core/model/index.js';
import { countDots } from '../../core/resolver/index.js';
import type { Facts } from './facts.js';
import { addressesOf, isUnder, normName, sameSet } from './names.js';

/** A search candidate that ended the lookup in place of the name as written. */
export interface SuffixWin {
  /** The name as written (normalised). */
  written: string;
  /** The candidate the lookup ended on ("api.example.com.corp.example"). */
  candidate: string;
  /** The search domain that made it ("corp.example"). */
  domain: string;
  /** True when the candidate's reply stopped the lookup without an address (musl on NODATA, SERVFAIL or REFUSED); false when it answered. */
  stopped: boolean;
  /** The reply that stopped it ("NODATA", "SERVFAIL", "REFUSED"), when stopped. */
  stoppedWith?: 'NODATA' | 'SERVFAIL' | 'REFUSED';
  /** What the candidate answered (empty when it stopped the lookup). */
  candidateAddrs: string[];
  /** What the name as written answers, and from which evidence. */
  writtenAddrs: string[];
  writtenRefs: string[];
  writtenSource: 'dns-service' | 'upstream';
  /** A random name under the domain that was answered too: the domain answers any name (a wildcard). */
  wildcard?: { qname: string; addrs: string[]; ref: string };
  lookupRef: string;
}

function endingCandidate(f: Facts): { name: string; stopped: boolean; stoppedWith?: 'NODATA' | 'SERVFAIL' | 'REFUSED' } | undefined {
  const l = f.lookup;
  if (!l || l.result.answeredBy === 'hosts-file') return undefined;
  if (l.result.ok) return l.result.finalName ? { name: normName(l.result.finalName), stopped: false } : undefined;
  const last = l.queries.at(-1);
  if (!last || last.outcome !== 'answer') return undefined;
  if (l.result.error === 'NODATA' && last.rcode === 'NOERROR') return { name: normName(last.qname), stopped: true, stoppedWith: 'NODATA' };
  if (l.result.error === 'SERVFAIL' && last.rcode === 'SERVFAIL') return { name: normName(last.qname), stopped: true, stoppedWith: 'SERVFAIL' };
  // musl ignores a REFUSED reply and waits for another until its timeout; the lookup ends there (glibc
  // abandons the search list at a REFUSED but then asks for the name as written, so it never ends here).
  if (l.libc === 'musl' && l.result.error === 'REFUSED' && last.rcode === 'REFUSED') return { name: normName(last.qname), stopped: true, stoppedWith: 'REFUSED' };
  return undefined;
}

function answered(q: DnsQueryEvidence): string[] {
  return q.outcome === 'answer' && q.rcode === 'NOERROR' ? addressesOf(q.answers) : [];
}

/** The suffix win in this evidence, if there is one. */
export function searchSuffixWin(f: Facts): SuffixWin | undefined {
  const l = f.lookup;
  const end = endingCandidate(f);
  if (!l || !end || countDots(f.name) === 0 || end.name === f.name) return undefined;
  const domain = (f.resolvConf?.search ?? []).map(normName).find((d) => d !== '' && end.name === `${f.name}.${d}`);
  // Cluster search domains are there to complete short names: "redis.cache" is meant as redis.cache.svc.<domain>.
  if (!domain || isUnder(domain, f.clusterDomain)) return undefined;
  const asWritten = f.purposeQueries.filter((q) => q.purpose === 'as-written' && normName(q.qname) === f.name && answered(q).length > 0);
  const upstream = asWritten.length > 0 ? [] : f.queries.filter((q) => q.resolver.role === 'upstream' && normName(q.qname) === f.name && answered(q).length > 0);
  const source = asWritten.length > 0 ? asWritten : upstream;
  const writtenAddrs = [...new Set(source.flatMap(answered))].sort();
  if (writtenAddrs.length === 0) return undefined;
  const candidateAddrs = end.stopped ? [] : [...l.result.addresses].sort();
  if (!end.stopped && sameSet(candidateAddrs, writtenAddrs)) return undefined;
  const probe = f.purposeQueries.find((q) => q.purpose === 'wildcard-probe' && isUnder(q.qname, domain) && answered(q).length > 0);
  return {
    written: f.name,
    candidate: end.name,
    domain,
    stopped: end.stopped,
    ...(end.stoppedWith ? { stoppedWith: end.stoppedWith } : {}),
    candidateAddrs,
    writtenAddrs,
    writtenRefs: source.map((q) => q.id),
    writtenSource: asWritten.length > 0 ? 'dns-service' : 'upstream',
    ...(probe ? { wildcard: { qname: normName(probe.qname), addrs: answered(probe), ref: probe.id } } : {}),
    lookupRef: l.id,
  };
}
