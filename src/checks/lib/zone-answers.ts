/**
 * Compares what the cluster DNS answers with what the resolver in the pod's own node/zone answers,
 * and which of those addresses accept TCP from the pod's node. Shared by the checks that explain an
 * answer that is right somewhere else but wrong here (split horizon, static answers).
 */
import type { Facts, QueryView, Reachability } from './facts.js';

/** The cluster's answer next to the pod's zone's answer, with TCP reachability from the pod's node. */
export interface ZoneAnswers {
  /** Addresses the DNS Service answered (A), and the evidence. */
  clusterAddrs: string[];
  clusterRefs: string[];
  /** Upstream answers as seen from the pod's node (or, failing that, from nodes of its zone). */
  local: QueryView[];
  localAddrs: string[];
  reach: Map<string, Reachability>;
  /** Cluster answers tested and none accepts TCP from the pod's node. */
  clusterUnreachable: boolean;
  /** Some cluster answer was never tested. */
  clusterUntested: boolean;
  /** Local answers that accept TCP from the pod's node. */
  reachableLocal: string[];
}

/** Union of the addresses the DNS Service answered for the name. */
export function clusterAnswer(f: Facts): { addrs: string[]; refs: string[] } {
  const svc = f.queriesFor('dns-service').filter((q) => q.outcome === 'answer' && q.addresses.length > 0 && q.evidence.qtype === 'A');
  if (svc.length > 0) return { addrs: [...new Set(svc.flatMap((q) => q.addresses))].sort(), refs: svc.map((q) => q.evidence.id) };
  return { addrs: [], refs: [] };
}

/** The pod's own view of the name: upstream answers seen from its node, else from other nodes of its zone. */
export function localUpstreams(f: Facts): QueryView[] {
  // Only the node's own nameservers count as "the zone's resolver" (node-view probes also ask the
  // Corefile's explicit forward targets, which may be anywhere).
  const ownResolvers = (node: string) => {
    const ns = f.nodeNameservers(node);
    return f.upstreamsSeenFrom(node).filter((u) => u.outcome === 'answer' && u.addresses.length > 0 && (!ns || ns.includes(u.resolver)));
  };
  const own = ownResolvers(f.pod.node);
  if (own.length > 0) return own;
  const zone = f.podZone;
  if (!zone) return [];
  return f.nodes.filter((n) => n.zone === zone && n.name !== f.pod.node).flatMap((n) => ownResolvers(n.name));
}

/** Compares the DNS Service's answer with the pod's zone resolver's answer. */
export function compareZoneAnswers(f: Facts): ZoneAnswers {
  const { addrs: clusterAddrs, refs: clusterRefs } = clusterAnswer(f);
  const local = localUpstreams(f);
  const localAddrs = [...new Set(local.flatMap((u) => u.addresses))].sort();
  const reach = new Map<string, Reachability>();
  for (const ip of new Set([...clusterAddrs, ...localAddrs])) reach.set(ip, f.reach(ip));
  const clusterVerdicts = clusterAddrs.map((ip) => reach.get(ip)!.verdict);
  return {
    clusterAddrs,
    clusterRefs,
    local,
    localAddrs,
    reach,
    clusterUnreachable: clusterVerdicts.length > 0 && clusterVerdicts.every((v) => v === 'unreachable'),
    clusterUntested: clusterVerdicts.some((v) => v === 'unknown'),
    reachableLocal: localAddrs.filter((ip) => reach.get(ip)!.verdict === 'reachable'),
  };
}

/** Evidence ids of the TCP tests of some addresses. */
export function reachRefs(z: ZoneAnswers, ips: readonly string[]): string[] {
  return ips.flatMap((ip) => z.reach.get(ip)?.refs ?? []);
}

/** "10.0.0.1 (80 timeout)" for each address. */
export function reachText(z: ZoneAnswers, ips: readonly string[]): string {
  return ips.map((ip) => `${ip}: ${z.reach.get(ip)?.detail ?? 'not tested'}`).join('; ');
}

/** Addresses the pod's /etc/hosts (or hostAliases) pins the name to; the pod never asks DNS for it then. */
export function pinnedByHosts(f: Facts): string[] {
  const fromFile = f.hostsFile?.entries.filter((e) => e.names.some((n) => n.toLowerCase().replace(/\.$/, '') === f.name)).map((e) => e.ip) ?? [];
  const fromAliases = f.pod.hostAliases.filter((h) => h.hostnames.some((n) => n.toLowerCase().replace(/\.$/, '') === f.name)).map((h) => h.ip);
  return [...new Set(fromFile.length > 0 ? fromFile : fromAliases)];
}

/** True when /etc/hosts pins the name to an address that accepts TCP: DNS's answer does not matter to this pod. */
export function workingPin(f: Facts): boolean {
  return pinnedByHosts(f).some((ip) => f.reach(ip).verdict === 'reachable');
}
