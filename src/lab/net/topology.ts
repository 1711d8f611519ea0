/**
 * Who is who in the lab network: nodes, pods, Services and the DNS Service, as the network rules,
 * SNAT and the lab's servers need them. Pods created later (probe pods) are found through the
 * node's podCIDR, or registered explicitly with addPod.
 */
import ipaddr from 'ipaddr.js';
import { CidrIndex, ipv4Range, ipv4Value } from '../scenario/addresses.js';

/** One node as the network sees it. */
export interface TopologyNode {
  name: string;
  ip: string;
  podCIDR?: string;
  zone?: string;
}

/** One pod (CoreDNS replicas included) as the network sees it. */
export interface TopologyPod {
  namespace: string;
  name: string;
  ip: string;
  node: string;
}

/** One Service with a cluster IP. */
export interface TopologyService {
  namespace: string;
  name: string;
  clusterIP?: string;
}

/** What a Topology is built from (a subset of the scenario). */
export interface TopologyInput {
  nodes: TopologyNode[];
  pods: TopologyPod[];
  services: TopologyService[];
  dnsService: { namespace: string; name: string; ip: string };
}

const parsedCidrs = new Map<string, [ipaddr.IPv4 | ipaddr.IPv6, number] | null>();
const parsedIps = new Map<string, ipaddr.IPv4 | ipaddr.IPv6 | null>();
const v4Cidrs = new Map<string, { first: number; last: number } | null>();

/** Parses with a small memo: the same few addresses are matched on every packet. */
function memo<T>(cache: Map<string, T | null>, key: string, parse: () => T): T | null {
  let v = cache.get(key);
  if (v === undefined) {
    try {
      v = parse();
    } catch {
      v = null;
    }
    if (cache.size > 10000) cache.clear();
    cache.set(key, v);
  }
  return v;
}

/** True when `ip` is inside `cidr` (both of the same family); false for malformed input. */
export function inCidr(ip: string, cidr: string): boolean {
  // IPv4 (every lab address so far): integer compare, no parsing of the address into objects.
  const range = memo(v4Cidrs, cidr, () => ipv4Range(cidr) ?? null);
  if (range) {
    const v = ipv4Value(ip);
    if (v !== undefined) return v >= range.first && v <= range.last;
  }
  const addr = memo(parsedIps, ip, () => ipaddr.parse(ip));
  const net = memo(parsedCidrs, cidr, () => ipaddr.parseCIDR(cidr));
  if (!addr || !net || addr.kind() !== net[0].kind()) return false;
  return addr.match(net);
}

export class Topology {
  readonly nodes: readonly TopologyNode[];
  private readonly pods = new Map<string, TopologyPod>();
  private readonly podsByName = new Map<string, TopologyPod>();
  private readonly services: TopologyService[];
  private readonly serviceIps: Set<string>;
  readonly dnsService: { namespace: string; name: string; ip: string };
  // Lookups run for every packet: maps and a sorted CIDR index instead of scans over the nodes.
  private readonly nodesByName = new Map<string, TopologyNode>();
  private readonly nodesByIp = new Map<string, TopologyNode>();
  private readonly byPodCidr: CidrIndex<TopologyNode>;

  constructor(input: TopologyInput) {
    this.nodes = input.nodes;
    for (const n of [...input.nodes].reverse()) {
      // The first node of a name or IP wins, as a scan in input order would say.
      this.nodesByName.set(n.name, n);
      this.nodesByIp.set(n.ip, n);
    }
    this.byPodCidr = new CidrIndex(input.nodes.filter((n) => n.podCIDR !== undefined).map((n) => ({ cidr: n.podCIDR!, value: n })));
    for (const p of input.pods) this.addPod(p);
    this.services = [...input.services];
    this.dnsService = input.dnsService;
    if (!this.services.some((s) => s.namespace === input.dnsService.namespace && s.name === input.dnsService.name)) {
      this.services.push({ ...input.dnsService, clusterIP: input.dnsService.ip });
    }
    this.serviceIps = new Set(this.services.map((s) => s.clusterIP).filter((ip): ip is string => ip !== undefined));
  }

  /** Registers a pod created after start (probe pods, rolled-out replicas). */
  addPod(pod: TopologyPod): void {
    const before = this.pods.get(pod.ip);
    if (before) this.podsByName.delete(`${before.namespace}/${before.name}`);
    this.pods.set(pod.ip, pod);
    this.podsByName.set(`${pod.namespace}/${pod.name}`, pod);
  }

  removePod(ip: string): void {
    const pod = this.pods.get(ip);
    if (!pod) return;
    this.pods.delete(ip);
    if (this.podsByName.get(`${pod.namespace}/${pod.name}`) === pod) this.podsByName.delete(`${pod.namespace}/${pod.name}`);
  }

  node(name: string): TopologyNode | undefined {
    return this.nodesByName.get(name);
  }

  nodeByIp(ip: string): TopologyNode | undefined {
    return this.nodesByIp.get(ip);
  }

  pod(namespace: string, name: string): TopologyPod | undefined {
    return this.podsByName.get(`${namespace}/${name}`);
  }

  service(namespace: string, name: string): TopologyService | undefined {
    return this.services.find((s) => s.namespace === namespace && s.name === name);
  }

  /** The node a pod IP lives on: a registered pod first, else the node whose podCIDR holds it. */
  nodeOfPodIp(ip: string): TopologyNode | undefined {
    const pod = this.pods.get(ip);
    if (pod) return this.node(pod.node);
    return this.byPodCidr.find(ip);
  }

  /** True for a pod address (registered, or inside some node's podCIDR). */
  isPodIp(ip: string): boolean {
    return this.pods.has(ip) || this.byPodCidr.find(ip) !== undefined;
  }

  isServiceIp(ip: string): boolean {
    return this.serviceIps.has(ip);
  }

  /** Inside the cluster: a node, a pod, or a Service IP. Everything else is "outside" (resolvers, hosts). */
  isClusterAddress(ip: string): boolean {
    return this.nodeByIp(ip) !== undefined || this.isPodIp(ip) || this.isServiceIp(ip);
  }

  /**
   * The source address a receiver sees: traffic a pod sends to an address outside the cluster
   * leaves with its node's IP (SNAT, as the CNI's masquerade rule does); inside, it keeps the pod IP.
   */
  effectiveSource(src: string, dst: string): string {
    if (!this.isPodIp(src) || this.isClusterAddress(dst)) return src;
    return this.nodeOfPodIp(src)?.ip ?? src;
  }
}
