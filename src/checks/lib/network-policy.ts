/**
 * NetworkPolicy egress semantics (networking.k8s.io/v1), enough to answer "may this pod send DNS to
 * the CoreDNS pods?": policyTypes (default Ingress, plus Egress when spec.egress is present),
 * podSelector on the policy, peers (ipBlock with except, podSelector, namespaceSelector, both), and
 * ports (protocol default TCP, numeric or named port, endPort). Policies are additive: traffic is
 * allowed when any policy that selects the pod for egress allows it, and denied when policies select
 * the pod for egress but none allows it.
 */
import ipaddr from 'ipaddr.js';
import { evidenceOfKind, type NetworkPoliciesEvidence } from '../../core/model/index.js';
import type { Facts } from './facts.js';

type Labels = Record<string, string>;
interface LabelSelector { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] }
interface Peer { ipBlock?: { cidr: string; except?: string[] }; podSelector?: LabelSelector; namespaceSelector?: LabelSelector }
interface PortRule { protocol?: string; port?: number | string; endPort?: number }
interface EgressRule { to?: Peer[]; ports?: PortRule[] }
interface Policy { metadata?: { name?: string; namespace?: string }; spec?: { podSelector?: LabelSelector; policyTypes?: string[]; egress?: EgressRule[] } }

/** Whether a label selector matches; an empty selector matches everything. */
export function selectorMatches(sel: LabelSelector | undefined, labels: Labels): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const val = labels[e.key];
    switch (e.operator) {
      case 'In': if (!has || !(e.values ?? []).includes(val!)) return false; break;
      case 'NotIn': if (has && (e.values ?? []).includes(val!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  try {
    const addr = ipaddr.parse(ip);
    const [range, bits] = ipaddr.parseCIDR(cidr);
    return addr.kind() === range.kind() && addr.match([range, bits]);
  } catch {
    return false;
  }
}

/** A DNS destination: one CoreDNS pod, or (external) an address outside the cluster, which only ipBlock peers match. */
export interface DnsDest { ip: string; namespace: string; labels: Labels | undefined; pod: string; external?: boolean }

type Tri = boolean | 'unknown';

function peerMatches(p: Peer, policyNs: string, d: DnsDest, nsLabels: Record<string, Labels>): Tri {
  if (p.ipBlock) return inCidr(d.ip, p.ipBlock.cidr) && !(p.ipBlock.except ?? []).some((c) => inCidr(d.ip, c));
  if (d.external) return false;
  const dNsLabels = { 'kubernetes.io/metadata.name': d.namespace, ...(nsLabels[d.namespace] ?? {}) };
  if (p.namespaceSelector && !selectorMatches(p.namespaceSelector, dNsLabels)) return false;
  if (!p.namespaceSelector && d.namespace !== policyNs) return false;
  if (p.podSelector) {
    if (Object.keys(p.podSelector).length === 0 || (!p.podSelector.matchLabels && !p.podSelector.matchExpressions)) return true;
    if (!d.labels) return 'unknown';
    return selectorMatches(p.podSelector, d.labels);
  }
  return true;
}

// Named ports resolve against the destination pod's container ports; the standard CoreDNS manifests
// name them "dns" (UDP 53) and "dns-tcp" (TCP 53).
const namedDnsPorts: Record<string, string> = { dns: 'UDP', 'dns-tcp': 'TCP' };

function portMatches(r: PortRule, proto: 'UDP' | 'TCP'): boolean {
  if ((r.protocol ?? 'TCP').toUpperCase() !== proto) return false;
  if (r.port === undefined) return true;
  if (typeof r.port === 'string' && !/^\d+$/.test(r.port)) return namedDnsPorts[r.port] === proto;
  const p = Number(r.port);
  return r.endPort !== undefined ? p <= 53 && 53 <= r.endPort : p === 53;
}

function ruleAllows(rule: EgressRule, policyNs: string, d: DnsDest, proto: 'UDP' | 'TCP', nsLabels: Record<string, Labels>): Tri {
  if (rule.ports && rule.ports.length > 0 && !rule.ports.some((r) => portMatches(r, proto))) return false;
  if (!rule.to || rule.to.length === 0) return true;
  const results = rule.to.map((p) => peerMatches(p, policyNs, d, nsLabels));
  if (results.includes(true)) return true;
  return results.includes('unknown') ? 'unknown' : false;
}

/** Whether the pod may send DNS to CoreDNS under the NetworkPolicies that select it. */
export interface EgressVerdict {
  /** Some policy selects the pod for egress. */
  applies: boolean;
  udp: Tri;
  tcp: Tri;
  /** UDP 53 to every CoreDNS pod denied. */
  blocked: boolean;
  policies: string[];
  refs: string[];
  evidence?: NetworkPoliciesEvidence;
}

/** The policies of a namespace that select pods with these labels for egress. */
function egressSelecting(ev: NetworkPoliciesEvidence, podLabels: Labels): Policy[] {
  return (ev.policies as Policy[]).filter((p) => {
    const spec = p.spec ?? {};
    // The API server's default: Ingress, plus Egress when the policy has egress rules (an empty list has none).
    const types = spec.policyTypes?.length ? spec.policyTypes : (spec.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
    return types.includes('Egress') && selectorMatches(spec.podSelector, podLabels);
  });
}

/**
 * Policies that deny a probe pod (its namespace and labels) UDP 53 to an address outside the cluster,
 * when the namespace's policies were gathered; empty when nothing is known to deny it. A node-view
 * probe runs on the pod network in a namespace whose policies do not apply to CoreDNS: what they
 * deny it says nothing about the node's resolvers or CoreDNS's upstreams.
 */
export function policiesDenyingDnsTo(f: Facts, probe: { namespace: string; labels: Labels }, ip: string): { policies: string[]; refs: string[] } {
  const ev = evidenceOfKind(f.evidence, 'network-policies').find((n) => n.namespace === probe.namespace);
  if (!ev) return { policies: [], refs: [] };
  const selecting = egressSelecting(ev, probe.labels);
  if (selecting.length === 0) return { policies: [], refs: [] };
  const dest: DnsDest = { ip, namespace: '', labels: undefined, pod: '', external: true };
  const allows = selecting.some((p) => (p.spec?.egress ?? []).some((r) => ruleAllows(r, p.metadata?.namespace ?? ev.namespace, dest, 'UDP', ev.namespaceLabels) !== false));
  return allows ? { policies: [], refs: [] } : { policies: selecting.map((p) => p.metadata?.name ?? '(unnamed)'), refs: [ev.id] };
}

/** Policies that select the pod for egress, and whether they allow UDP/TCP 53 to any CoreDNS pod. */
export function dnsEgressVerdict(f: Facts): EgressVerdict {
  const ev = evidenceOfKind(f.evidence, 'network-policies').find((n) => n.namespace === f.pod.namespace);
  if (!ev) return { applies: false, udp: 'unknown', tcp: 'unknown', blocked: false, policies: [], refs: [] };
  const podLabels = Object.keys(ev.podLabels).length > 0 ? ev.podLabels : f.pod.labels;
  const selecting = egressSelecting(ev, podLabels);
  const names = selecting.map((p) => p.metadata?.name ?? '(unnamed)');
  if (selecting.length === 0) return { applies: false, udp: true, tcp: true, blocked: false, policies: [], refs: [ev.id], evidence: ev };
  const dests: DnsDest[] = f.corednsPods.map((p) => ({ ip: p.ip, namespace: p.namespace, labels: ev.corednsPodLabels?.[p.name], pod: p.name }));
  const allowed = (proto: 'UDP' | 'TCP'): Tri => {
    if (dests.length === 0) return 'unknown';
    const per = dests.map((d) => {
      const rs = selecting.flatMap((p) => (p.spec?.egress ?? []).map((r) => ruleAllows(r, p.metadata?.namespace ?? ev.namespace, d, proto, ev.namespaceLabels)));
      return rs.includes(true) ? true : rs.includes('unknown') ? 'unknown' : false;
    });
    if (per.includes(true)) return true;
    return per.includes('unknown') ? 'unknown' : false;
  };
  const udp = allowed('UDP');
  const tcp = allowed('TCP');
  return { applies: true, udp, tcp, blocked: udp === false, policies: names, refs: [ev.id], evidence: ev };
}

interface IngressRule { from?: Peer[]; ports?: PortRule[] }
interface IngressPolicy { metadata?: { name?: string; namespace?: string }; spec?: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: IngressRule[]; egress?: unknown[] } }

/** Whether the CoreDNS pods accept DNS from the pod under the ingress policies of their own namespace. */
export interface IngressVerdict {
  /** Some policy selects a CoreDNS pod for ingress. */
  applies: boolean;
  udp: Tri;
  tcp: Tri;
  /** UDP 53 from the pod denied by every CoreDNS pod. */
  blocked: boolean;
  namespace: string;
  policies: string[];
  refs: string[];
}

/** The client pod as a peer of a CoreDNS pod's ingress rule: ipBlock on its IP, selectors on its labels and namespace. */
function clientMatches(p: Peer, policyNs: string, f: Facts, nsLabels: Record<string, Labels>): boolean {
  if (p.ipBlock) return inCidr(f.pod.ip, p.ipBlock.cidr) && !(p.ipBlock.except ?? []).some((c) => inCidr(f.pod.ip, c));
  if (!p.podSelector && !p.namespaceSelector) return false;
  const podNsLabels = { ...(nsLabels[f.pod.namespace] ?? {}), 'kubernetes.io/metadata.name': f.pod.namespace };
  if (p.namespaceSelector) {
    if (!selectorMatches(p.namespaceSelector, podNsLabels)) return false;
  } else if (f.pod.namespace !== policyNs) {
    return false;
  }
  return p.podSelector === undefined || selectorMatches(p.podSelector, f.pod.labels);
}

/** Ingress policies of the CoreDNS namespace that select CoreDNS pods, and whether they let the pod's DNS in. */
export function dnsIngressVerdict(f: Facts): IngressVerdict {
  const dnsNs = f.corednsPods[0]?.namespace ?? 'kube-system';
  const none: IngressVerdict = { applies: false, udp: true, tcp: true, blocked: false, namespace: dnsNs, policies: [], refs: [] };
  // The pod's own namespace is judged by dnsEgressVerdict; a pod beside CoreDNS is rarely the client.
  if (dnsNs === f.pod.namespace || f.pod.hostNetwork) return none;
  const ev = evidenceOfKind(f.evidence, 'network-policies').find((n) => n.namespace === dnsNs);
  if (!ev || f.corednsPods.length === 0) return none;
  const policies = ev.policies as IngressPolicy[];
  const typesOf = (p: IngressPolicy) => (p.spec?.policyTypes?.length ? p.spec.policyTypes : (p.spec?.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  const selecting = new Set<string>();
  const perPod = (proto: 'UDP' | 'TCP'): Tri[] =>
    f.corednsPods.map((cp) => {
      const labels = ev.corednsPodLabels?.[cp.name];
      if (!labels) return 'unknown';
      const mine = policies.filter((p) => typesOf(p).includes('Ingress') && selectorMatches(p.spec?.podSelector, labels));
      if (mine.length === 0) return true;
      for (const p of mine) selecting.add(p.metadata?.name ?? '(unnamed)');
      return mine.some((p) =>
        (p.spec?.ingress ?? []).some((r) => (!r.ports || r.ports.length === 0 || r.ports.some((pr) => portMatches(pr, proto))) && (!r.from || r.from.length === 0 || r.from.some((peer) => clientMatches(peer, p.metadata?.namespace ?? dnsNs, f, ev.namespaceLabels)))),
      );
    });
  const fold = (rs: Tri[]): Tri => (rs.includes(true) ? true : rs.includes('unknown') ? 'unknown' : false);
  const udp = fold(perPod('UDP'));
  const tcp = fold(perPod('TCP'));
  if (selecting.size === 0) return { ...none, refs: [ev.id] };
  return { applies: true, udp, tcp, blocked: udp === false, namespace: dnsNs, policies: [...selecting].sort(), refs: [ev.id] };
}
