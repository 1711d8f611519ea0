/**
 * The cluster's NetworkPolicies as nft chains of one node (pure), so the kernel drops what the
 * policies deny, as a CNI's dataplane does. The semantics are those of the loopback lab's
 * enforcement (src/lab/net/network-policies.ts), compiled per pod:
 *
 * - An isolated pod on this node gets one chain per direction. Egress is judged on packets that
 *   come in from a pod veth with the pod's address; ingress on packets that leave this node on a pod
 *   veth to the pod. Both in the forward hook, so after kube-proxy's DNAT (the endpoint, not the
 *   Service IP) and before the masquerade (the pod's own address), in a flow's original direction
 *   only (replies of an allowed flow pass).
 * - Each allowed (peer, port) is a `return` line; what no line allows is dropped (`counter drop`),
 *   as a CNI drops and does not reject. Egress returns to the base chain, so the receiver's ingress
 *   chain still judges the same packet on its node.
 * - Selectors are resolved to the pods' IPs now; the lab reloads the table when pods, namespaces or
 *   policies change. An ipBlock is its CIDR with its excepts taken out. A named port is resolved
 *   against the receiving pod: the selected pod for ingress, each candidate destination pod for egress.
 * - A pod's traffic with its own node never passes the forward hook (the node's input and output
 *   hooks carry it), so it is never judged, as in the loopback lab; nor is a pod's traffic with itself.
 *
 * The base chain has priority filter + 10: the scenario's network rules (priority filter) decide
 * first, and a packet they let through can still be dropped by a policy.
 */
import {
  isNamedPort,
  isolatingPolicies,
  namedPort,
  peerMatches,
  type NetworkPolicyObject,
  type Peer,
  type PolicyPod,
  type PolicyPort,
  type PolicyView,
} from '../net/network-policies.js';
import { inCidr } from '../net/topology.js';

type Direction = 'egress' | 'ingress';

function set(items: readonly (string | number)[]): string {
  return items.length === 1 ? String(items[0]) : `{ ${items.join(', ')} }`;
}

/** The peer's addresses as an nft match on `field` (saddr/daddr), or null when it matches no address. */
function peerMatch(peer: Peer | undefined, field: string, pol: NetworkPolicyObject, view: PolicyView): string | null {
  if (!peer) return '';
  if (peer.ipBlock) {
    if (!peer.ipBlock.cidr) return null;
    const except = peer.ipBlock.except ?? [];
    return `ip ${field} ${peer.ipBlock.cidr}${except.length ? ` ip ${field} != ${set(except)}` : ''}`;
  }
  const ips = candidatePods(peer, pol, view).map((p) => p.ip);
  return ips.length ? `ip ${field} ${set(ips)}` : null;
}

/** The pods a peer matches (any pod for no peer). */
function candidatePods(peer: Peer | undefined, pol: NetworkPolicyObject, view: PolicyView): PolicyPod[] {
  if (!peer) return [...view.pods];
  const ns = pol.metadata.namespace ?? 'default';
  return view.pods.filter((p) => peerMatches(peer, ns, p.ip, p, view.namespaceLabels));
}

function l4(proto: string, port?: number | string, endPort?: number): string {
  if (port === undefined) return `meta l4proto ${proto}`;
  return `meta l4proto ${proto} th dport ${endPort !== undefined ? `${port}-${endPort}` : port}`;
}

/** The `return` lines that allow one rule's traffic for the isolated pod `pod`. */
function ruleLines(direction: Direction, pod: PolicyPod, pol: NetworkPolicyObject, peers: Peer[] | undefined, ports: PolicyPort[] | undefined, view: PolicyView): string[] {
  const field = direction === 'egress' ? 'daddr' : 'saddr';
  const out: string[] = [];
  for (const peer of peers && peers.length ? peers : [undefined]) {
    const addr = peerMatch(peer, field, pol, view);
    if (addr === null) continue;
    for (const port of ports && ports.length ? ports : [undefined]) {
      if (!port) {
        out.push([addr, 'meta l4proto { udp, tcp }'].filter(Boolean).join(' '));
        continue;
      }
      const proto = (port.protocol ?? 'TCP').toLowerCase();
      if (proto !== 'udp' && proto !== 'tcp') continue;
      if (!isNamedPort(port.port)) {
        out.push([addr, l4(proto, port.port === undefined ? undefined : Number(port.port), port.endPort)].filter(Boolean).join(' '));
        continue;
      }
      const name = port.port;
      if (direction === 'ingress') {
        const n = namedPort(pod, name, proto);
        if (n !== undefined) out.push([addr, l4(proto, n)].filter(Boolean).join(' '));
        continue;
      }
      // Egress to a named port: the port each destination pod gives that name.
      const ipBlock = peer?.ipBlock;
      const receivers = ipBlock ? view.pods.filter((p) => ipBlock.cidr && inCidr(p.ip, ipBlock.cidr) && !(ipBlock.except ?? []).some((c) => inCidr(p.ip, c))) : candidatePods(peer, pol, view);
      for (const r of receivers) {
        const n = namedPort(r, name, proto);
        if (n !== undefined) out.push(`ip daddr ${r.ip} ${l4(proto, n)}`);
      }
    }
  }
  return out.map((l) => `${l} return`);
}

/** The chain of one isolated pod and direction, or undefined when no policy isolates it. */
function podChain(chain: string, direction: Direction, pod: PolicyPod, view: PolicyView): string[] | undefined {
  const selecting = isolatingPolicies(view.policies, pod, direction);
  if (selecting.length === 0) return undefined;
  const lines = selecting.flatMap((pol) =>
    ((direction === 'egress' ? pol.spec?.egress : pol.spec?.ingress) ?? []).flatMap((rule) => ruleLines(direction, pod, pol, direction === 'egress' ? rule.to : rule.from, rule.ports, view)),
  );
  return [`  chain ${chain} {`, ...[...lines, 'counter drop'].map((l) => `    ${l}`), '  }'];
}

/** The policy chains of the node with IP `nodeIp`, with their base chain (none when nothing is isolated). */
export function policyChains(view: PolicyView, nodeIp: string): string[] {
  if (view.policies.length === 0) return [];
  const chains: string[] = [];
  const jumps: string[] = [];
  view.pods
    .filter((p) => p.nodeIp === nodeIp)
    .forEach((pod, i) => {
      const egress = podChain(`pol_egress${i}`, 'egress', pod, view);
      if (egress) {
        chains.push(...egress);
        jumps.push(`iifname != "eth0" ip saddr ${pod.ip} ip daddr != ${pod.ip} jump pol_egress${i}`);
      }
      const ingress = podChain(`pol_ingress${i}`, 'ingress', pod, view);
      if (ingress) {
        chains.push(...ingress);
        jumps.push(`oifname != "eth0" ip daddr ${pod.ip} ip saddr != ${pod.ip} jump pol_ingress${i}`);
      }
    });
  if (jumps.length === 0) return [];
  return [
    ...chains,
    '  chain policies {',
    '    type filter hook forward priority filter + 10; policy accept;',
    '    ct direction != original accept',
    ...jumps.map((l) => `    ${l}`),
    '  }',
  ];
}
