/**
 * NetworkPolicies enforced on the lab's data path as a CNI enforces them (networking.k8s.io/v1):
 *
 * - A pod is isolated for a direction once a policy of its namespace selects it with that policy type
 *   (policyTypes default: Ingress, plus Egress when the policy has egress rules). An isolated pod sends
 *   or accepts only what some selecting policy allows; policies add up, none takes away.
 * - A connection needs the sender's egress and the receiver's ingress to allow it. Replies of an
 *   allowed connection always pass (the lab never judges replies).
 * - Peers: ipBlock (cidr minus except, matched against any address), podSelector (pods of the policy's
 *   namespace), namespaceSelector (every pod of the selected namespaces), both (those pods of those
 *   namespaces). A rule without peers allows every peer, one without ports every port.
 * - Ports: protocol (default TCP), port number with optional endPort, or a named port, resolved against
 *   the receiving pod's container ports.
 * - Traffic between a pod and its own node, a pod and itself, and host-network pods are never judged.
 *
 * Packets are judged as the CNI sees them: after kube-proxy translated a Service IP to an endpoint,
 * and with the sending pod's own address (before SNAT).
 */
import { selectorMatches } from '../../checks/lib/network-policy.js';
import { inCidr } from './topology.js';

type Labels = Record<string, string>;
type Selector = Parameters<typeof selectorMatches>[0];
export interface Peer { ipBlock?: { cidr?: string; except?: string[] }; podSelector?: Selector; namespaceSelector?: Selector }
export interface PolicyPort { protocol?: string; port?: number | string; endPort?: number }
export interface PolicyRule { from?: Peer[]; to?: Peer[]; ports?: PolicyPort[] }

/** A NetworkPolicy object as the API serves it (only the fields enforcement reads). */
export interface NetworkPolicyObject {
  metadata: { name: string; namespace?: string };
  spec?: { podSelector?: Selector; policyTypes?: string[]; ingress?: PolicyRule[]; egress?: PolicyRule[] };
}

/** A pod as policies see it. */
export interface PolicyPod {
  namespace: string;
  name: string;
  ip: string;
  labels: Labels;
  /** Its node's IP: traffic between a pod and its node is never judged. */
  nodeIp: string;
  /** Container ports, for named ports in policies. */
  ports: { name?: string; containerPort: number; protocol?: string }[];
}

/** Everything enforcement needs, rebuilt by the lab when pods, namespaces or policies change. */
export interface PolicyView {
  policies: readonly NetworkPolicyObject[];
  /** Pods with their own network (host-network pods are not subject to policies). */
  pods: readonly PolicyPod[];
  namespaceLabels: Readonly<Record<string, Labels>>;
}

/** A packet to judge: `from` is the sending address before SNAT, `to` the address after kube-proxy's DNAT. */
export interface PolicyPacket {
  from: string;
  to: string;
  proto: 'udp' | 'tcp';
  port: number;
}

/** Why a packet is denied: which pod's policies, in which direction, and the policies that isolate it. */
export interface PolicyDenial {
  direction: 'egress' | 'ingress';
  pod: string;
  policies: string[];
}

interface Indexed {
  view: PolicyView;
  podsByIp: Map<string, PolicyPod>;
  policiesByNs: Map<string, NetworkPolicyObject[]>;
}

/** The policy types a policy has, with the API server's default. */
export function policyTypesOf(p: NetworkPolicyObject): string[] {
  const spec = p.spec ?? {};
  if (spec.policyTypes && spec.policyTypes.length > 0) return spec.policyTypes;
  return (spec.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export class NetworkPolicyEnforcer {
  private indexed: Indexed | undefined;

  /** @param view - the current view (returns the same object while nothing changed, so the index is kept). */
  constructor(private readonly view: () => PolicyView) {}

  /** Undefined when the packet may pass, else why it may not. */
  judge(p: PolicyPacket): PolicyDenial | undefined {
    const ix = this.index();
    if (ix.view.policies.length === 0) return undefined;
    const src = ix.podsByIp.get(p.from);
    const dst = ix.podsByIp.get(p.to);
    if (src && dst && src.ip === dst.ip) return undefined;
    if (src && src.nodeIp !== p.to) {
      const denial = this.directionDenies(ix, 'egress', src, p, dst);
      if (denial) return denial;
    }
    if (dst && dst.nodeIp !== p.from) {
      const denial = this.directionDenies(ix, 'ingress', dst, p, src);
      if (denial) return denial;
    }
    return undefined;
  }

  private index(): Indexed {
    const view = this.view();
    if (this.indexed?.view === view) return this.indexed;
    const podsByIp = new Map(view.pods.map((p) => [p.ip, p]));
    const policiesByNs = new Map<string, NetworkPolicyObject[]>();
    for (const pol of view.policies) {
      const ns = pol.metadata.namespace ?? 'default';
      policiesByNs.set(ns, [...(policiesByNs.get(ns) ?? []), pol]);
    }
    this.indexed = { view, podsByIp, policiesByNs };
    return this.indexed;
  }

  /** `pod`'s policies for one direction: undefined when it is not isolated or a rule allows the packet. */
  private directionDenies(ix: Indexed, direction: 'egress' | 'ingress', pod: PolicyPod, p: PolicyPacket, peerPod: PolicyPod | undefined): PolicyDenial | undefined {
    const selecting = isolatingPolicies(ix.policiesByNs.get(pod.namespace) ?? [], pod, direction);
    if (selecting.length === 0) return undefined;
    const peerIp = direction === 'egress' ? p.to : p.from;
    // Named ports are the receiving pod's: the destination for egress, the selected pod itself for ingress.
    const receiver = direction === 'egress' ? peerPod : pod;
    for (const pol of selecting) {
      const rules = (direction === 'egress' ? pol.spec?.egress : pol.spec?.ingress) ?? [];
      for (const rule of rules) {
        const peers = direction === 'egress' ? rule.to : rule.from;
        if (!portsMatch(rule.ports, p, receiver)) continue;
        if (!peers || peers.length === 0) return undefined;
        if (peers.some((peer) => peerMatches(peer, pol.metadata.namespace ?? 'default', peerIp, peerPod, ix.view.namespaceLabels))) return undefined;
      }
    }
    return { direction, pod: `${pod.namespace}/${pod.name}`, policies: selecting.map((pol) => pol.metadata.name) };
  }
}

/** The policies among `policies` (of the pod's namespace) that isolate `pod` for `direction`. */
export function isolatingPolicies(policies: readonly NetworkPolicyObject[], pod: { namespace: string; labels: Labels }, direction: 'egress' | 'ingress'): NetworkPolicyObject[] {
  const type = direction === 'egress' ? 'Egress' : 'Ingress';
  return policies.filter((pol) => (pol.metadata.namespace ?? 'default') === pod.namespace && policyTypesOf(pol).includes(type) && selectorMatches(pol.spec?.podSelector, pod.labels));
}

/** Whether one peer of a policy rule (in namespace `policyNs`) matches address `ip`, the pod `pod` when it is one. */
export function peerMatches(peer: Peer, policyNs: string, ip: string, pod: PolicyPod | undefined, nsLabels: Readonly<Record<string, Labels>>): boolean {
  if (peer.ipBlock) {
    const cidr = peer.ipBlock.cidr;
    return cidr !== undefined && inCidr(ip, cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(ip, c));
  }
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  // Pod and namespace selectors select pods: an address that is no pod (a node, the world) never matches.
  if (!pod) return false;
  if (peer.namespaceSelector) {
    const labels = { ...(nsLabels[pod.namespace] ?? {}), 'kubernetes.io/metadata.name': pod.namespace };
    if (!selectorMatches(peer.namespaceSelector, labels)) return false;
  } else if (pod.namespace !== policyNs) {
    return false;
  }
  return peer.podSelector === undefined || selectorMatches(peer.podSelector, pod.labels);
}

function portsMatch(ports: PolicyPort[] | undefined, p: PolicyPacket, receiver: PolicyPod | undefined): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((r) => {
    const proto = (r.protocol ?? 'TCP').toLowerCase();
    if (proto !== p.proto) return false;
    if (r.port === undefined) return true;
    if (isNamedPort(r.port)) return receiver !== undefined && namedPort(receiver, r.port, p.proto) === p.port;
    const first = Number(r.port);
    return r.endPort !== undefined ? first <= p.port && p.port <= r.endPort : first === p.port;
  });
}

/** A policy port given by its container port's name (not a number). */
export function isNamedPort(port: number | string | undefined): port is string {
  return typeof port === 'string' && !/^\d+$/.test(port);
}

/** The number of `receiver`'s container port called `name` for `proto`, if it has one. */
export function namedPort(receiver: PolicyPod, name: string, proto: string): number | undefined {
  return receiver.ports.find((cp) => cp.name === name && (cp.protocol ?? 'TCP').toLowerCase() === proto)?.containerPort;
}
