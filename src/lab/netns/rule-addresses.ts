/**
 * A scenario's selectors as the addresses and CIDRs nft matches (docs/lab-scenario.md, "Addresses and
 * selectors"): a node is its IP, its podCIDR and its pods outside that range; a zone is its nodes;
 * a pod is its IP; a Service is its cluster IP.
 */
import type { Scenario } from '../scenario/load-scenario.js';
import { inCidr } from '../net/topology.js';
import type { ResolvedRule } from './nft-plan.js';

const zoneLabel = 'topology.kubernetes.io/zone';

function podsOf(s: Scenario): { namespace: string; name: string; ip: string; node: string }[] {
  return [...s.pods.filter((p) => !p.hostNetwork), ...s.coredns.pods.map((p) => ({ ...p, namespace: s.coredns.namespace }))];
}

function nodeAddresses(s: Scenario, names: Set<string>): string[] {
  const out: string[] = [];
  for (const n of s.nodes) {
    if (!names.has(n.name)) continue;
    out.push(n.ip, n.podCIDR);
    for (const p of podsOf(s)) if (p.node === n.name && !inCidr(p.ip, n.podCIDR)) out.push(p.ip);
  }
  return out;
}

/** The addresses of one selector (it was checked when the scenario loaded). */
export function selectorAddresses(s: Scenario, sel: string): string[] {
  const colon = sel.indexOf(':');
  const kind = colon > 0 ? sel.slice(0, colon) : '';
  const rest = sel.slice(colon + 1);
  switch (kind) {
    case 'node':
      return nodeAddresses(s, new Set([rest]));
    case 'zone':
      return nodeAddresses(s, new Set(s.nodes.filter((n) => n.labels[zoneLabel] === rest).map((n) => n.name)));
    case 'pod': {
      const [ns, name] = rest.split('/');
      const p = podsOf(s).find((x) => x.namespace === ns && x.name === name);
      const hostPod = s.pods.find((x) => x.namespace === ns && x.name === name && x.hostNetwork);
      const ip = p?.ip ?? (hostPod ? s.nodes.find((n) => n.name === hostPod.node)?.ip : undefined);
      return ip ? [ip] : [];
    }
    case 'service': {
      const [ns, name] = rest.split('/');
      const dns = s.cluster.dnsService;
      if (dns.namespace === ns && dns.name === name) return [dns.ip];
      const svc = s.services.find((x) => x.namespace === ns && x.name === name);
      return svc?.clusterIP ? [svc.clusterIP] : [];
    }
    default:
      return [sel];
  }
}

/** The scenario's rules with addresses (a selector that resolves to nothing matches nothing). */
export function resolveRules(s: Scenario): ResolvedRule[] {
  return s.network.map((rule) => ({
    rule,
    ...(rule.from ? { from: orNothing(selectorAddresses(s, rule.from)) } : {}),
    ...(rule.to ? { to: orNothing(selectorAddresses(s, rule.to)) } : {}),
  }));
}

/** 0.0.0.0/32 is never a packet's address: a selector without addresses matches nothing. */
function orNothing(a: string[]): string[] {
  return a.length ? a : ['0.0.0.0/32'];
}

/** Everything inside the cluster: nodes, pod ranges and pods, Service IPs (the masquerade boundary). */
export function clusterAddresses(s: Scenario, serviceIps: readonly string[]): string[] {
  const nodeLocal = s.nodeLocalDns ? [s.nodeLocalDns.ip] : [];
  return [...new Set([...s.nodes.flatMap((n) => [n.ip, n.podCIDR]), ...podsOf(s).map((p) => p.ip), s.cluster.dnsService.ip, ...nodeLocal, ...serviceIps])];
}
