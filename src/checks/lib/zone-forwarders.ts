/**
 * Whether the resolvers CoreDNS forwards a name to lack its zone while another resolver the cluster
 * reaches knows it: every forward target asked answers NXDOMAIN, REFUSED or no data, and some other
 * resolver (a node's own, asked from a node of the cluster) answers addresses. Shared by
 * forwarders-lack-zone (the cause) and upstream-failure (which steps aside for it).
 */
import type { Facts, QueryView } from './facts.js';
import { isUnder, parentOf } from './names.js';
import { corednsUpstreams } from './upstreams.js';

/** A forward target's answer that says "not here": a negative answer or a refusal, never a timeout. */
export function lacksName(v: QueryView): boolean {
  return v.outcome === 'answer' && (v.rcode === 'NXDOMAIN' || v.rcode === 'REFUSED' || (v.rcode === 'NOERROR' && v.addresses.length === 0));
}

/** The forward targets that lack the zone and the resolvers outside them that answer it. */
export interface ZoneForwarders {
  zone: string;
  /** What each forward target answered (all of them lacking the name). */
  lacking: QueryView[];
  /** Other resolvers' answers with addresses. */
  knowing: QueryView[];
  /** Resolvers among `knowing` that were asked from a CoreDNS node (where CoreDNS would forward from). */
  fromCorednsNodes: string[];
  forwardTo: string[];
}

/** The zone to route elsewhere: the negative answers' SOA owner below the top level, or the name's parent. */
export function internalZone(name: string, negatives: QueryView[]): string {
  const owners = negatives.map((n) => n.soa?.owner).filter((o): o is string => !!o && o.split('.').length >= 2 && isUnder(name, o));
  if (owners.length > 0) return owners.sort((a, b) => b.length - a.length)[0]!;
  const p = parentOf(name);
  return p.split('.').length >= 2 ? p : name;
}

/** The case, or undefined when the evidence does not show it. */
export function zoneForwarders(f: Facts): ZoneForwarders | undefined {
  const up = corednsUpstreams(f);
  if (!up.forwarded || up.views.length === 0) return undefined;
  if (!up.views.every(lacksName)) return undefined;
  const targets = new Set(up.forwardTo ?? up.views.map((v) => v.resolver));
  for (const v of up.views) targets.add(v.resolver);
  // Loopback resolvers asked from a probe pod are the probe's own loopback, not the node's stub.
  const knowing = f.upstreamViews().filter((v) => !targets.has(v.resolver) && !v.resolver.startsWith('127.') && v.resolver !== '::1' && v.outcome === 'answer' && v.addresses.length > 0);
  if (knowing.length === 0) return undefined;
  const cdNodes = new Set(f.corednsNodes);
  const seen = (v: QueryView) => v.evidence.resolver.seenFromNodes ?? (v.node ? [v.node] : []);
  const fromCorednsNodes = [...new Set(knowing.filter((v) => seen(v).some((n) => cdNodes.has(n))).map((v) => v.resolver))];
  return { zone: internalZone(f.queryName, up.views), lacking: up.views, knowing, fromCorednsNodes, forwardTo: [...targets] };
}
