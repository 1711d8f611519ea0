/**
 * The lab's namespaces and links as shell commands (pure, so a test can read the plan): a bridge in
 * its own namespace (nothing in the root namespace, so nothing can route to the host's interfaces),
 * one namespace per node on the bridge with its node IP, one namespace for everything outside the
 * cluster (the scenario's resolvers and hosts) on the bridge, and one namespace per pod with a veth
 * to its node. Addresses are /32 with explicit routes, so any scenario layout works: a pod's gateway
 * is 169.254.1.1 on its node's end of the veth (as Calico does), nodes route other nodes' podCIDRs.
 */
import { shq } from './shell.js';

export interface FabricNode {
  name: string;
  ip: string;
  podCIDR?: string;
}

export interface FabricPod {
  key: string;
  ip: string;
  node: string;
}

/** Names of the namespaces of one lab (all start with the lab's tag). */
export class FabricNames {
  constructor(readonly tag: string) {}
  get fabric(): string {
    return `${this.tag}-f`;
  }
  get outside(): string {
    return `${this.tag}-x`;
  }
  node(i: number): string {
    return `${this.tag}-n${i}`;
  }
  pod(i: number): string {
    return `${this.tag}-p${i}`;
  }
}

/** The pods' gateway on every node end of a pod veth. */
export const podGateway = '169.254.1.1';

const sysctl = (ns: string, ...settings: string[]) => `ip netns exec ${ns} sysctl -qw ${settings.join(' ')}`;

/** Commands that create the bridge namespace, the nodes and the outside namespace with its addresses. */
export function fabricCommands(names: FabricNames, nodes: readonly FabricNode[], outsideIps: readonly string[]): string[] {
  const f = names.fabric;
  const x = names.outside;
  const out = [`ip netns add ${f}`, `ip -n ${f} link set lo up`, `ip -n ${f} link add br0 type bridge`, `ip -n ${f} link set br0 up`];
  const attach = (ns: string, port: string, addrs: readonly string[]) => [
    `ip netns add ${ns}`,
    `ip -n ${ns} link set lo up`,
    `ip -n ${ns} link add eth0 type veth peer name ${port} netns ${f}`,
    `ip -n ${f} link set ${port} master br0 up`,
    ...addrs.map((a) => `ip -n ${ns} addr add ${a}/32 dev eth0`),
    `ip -n ${ns} link set eth0 up`,
  ];
  nodes.forEach((n, i) => {
    out.push(...attach(names.node(i), `n${i}`, [n.ip]), sysctl(names.node(i), 'net.ipv4.ip_forward=1'));
  });
  out.push(...attach(x, 'x0', outsideIps));
  // Routes: every member of the bridge reaches every other member's addresses on the link, and
  // every node's pod range through that node.
  const members: { ns: string; ips: readonly string[] }[] = [...nodes.map((n, i) => ({ ns: names.node(i), ips: [n.ip] })), { ns: x, ips: outsideIps }];
  for (const m of members) {
    for (const other of members) {
      if (other === m) continue;
      for (const ip of other.ips) out.push(`ip -n ${m.ns} route add ${ip}/32 dev eth0`);
    }
    nodes.forEach((n, i) => {
      if (n.podCIDR && names.node(i) !== m.ns) out.push(`ip -n ${m.ns} route add ${n.podCIDR} via ${n.ip} dev eth0 onlink`);
    });
  }
  return out;
}

/**
 * Commands that create a pod's namespace and its veth to the node. `remoteNodes` are the other
 * nodes' namespaces and IPs: a pod outside its node's podCIDR gets a /32 route there.
 */
export function podCommands(names: FabricNames, index: number, pod: FabricPod, node: { ns: string; ip: string; podCIDR?: string }, remoteNodes: readonly { ns: string }[], inPodCidr: boolean): string[] {
  const p = names.pod(index);
  const v = `v${index}`;
  return [
    `ip netns add ${p}`,
    `ip -n ${p} link set lo up`,
    `ip -n ${p} link add eth0 type veth peer name ${v} netns ${node.ns}`,
    `ip -n ${p} addr add ${pod.ip}/32 dev eth0`,
    `ip -n ${p} link set eth0 up`,
    `ip -n ${p} route add ${podGateway} dev eth0`,
    `ip -n ${p} route add default via ${podGateway} dev eth0`,
    `ip -n ${node.ns} addr add ${podGateway}/32 dev ${v}`,
    `ip -n ${node.ns} link set ${v} up`,
    `ip -n ${node.ns} route add ${pod.ip}/32 dev ${v} src ${node.ip}`,
    ...(inPodCidr ? [] : remoteNodes.map((r) => `ip -n ${r.ns} route add ${pod.ip}/32 via ${node.ip} dev eth0 onlink`)),
  ];
}

/** One batch of commands as a script. */
export function script(commands: readonly string[]): string {
  return commands.join('\n');
}

export { shq };
