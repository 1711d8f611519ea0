/**
 * The DNS side of a lab (LABDNS → LABAPI contract, interfaces.md): network rules, resolvers
 * outside the cluster, TCP hosts, the CoreDNS replicas and the DNS Service VIP, all on real
 * sockets on the lab's mapped loopback addresses, plus the DNS tools pods may exec.
 */
import type { ClusterState } from '../../core/model/k8s.js';
import type { AddressMap } from '../net/address-map.js';
import { LabNetwork } from '../net/lab-network.js';
import { NetworkRules } from '../net/network-rules.js';
import { TcpHosts } from '../net/tcp-hosts.js';
import { Topology } from '../net/topology.js';
import type { Scenario } from '../scenario/load-scenario.js';
import type { CorefileEngine } from './corefile-engine.js';
import { CorednsReplica } from './coredns-replica.js';
import { runPodTool } from './pod-tools.js';
import { DnsServiceVip } from './service-vip.js';
import { UpstreamResolver } from './upstream-resolver.js';

/** A CoreDNS pod of a rollout (scenario `coredns.pods[]` shape). */
export interface CorednsPodSpec {
  name: string;
  node: string;
  ip: string;
  ready?: boolean;
}

/** A pod that runs a DNS tool. */
export interface ToolPod {
  namespace: string;
  name: string;
  ip: string;
  node: string;
}

/** What a tool printed and how it exited. */
export interface ToolResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The running DNS world of a lab. */
export interface DnsWorld {
  /** ConfigMap changed (reload honoured per the running Corefile of each replica). */
  reloadCorefile(text: string, files?: Record<string, string>): void;
  /** The replica picks up the current ConfigMap (a pod restart). */
  restartReplica(podName: string): void;
  /** A rollout of CoreDNS: replicas not in the list stop, new ones start with the current ConfigMap. */
  setReplicas(pods: CorednsPodSpec[]): Promise<void>;
  /** Prometheus text for a replica's :9153/metrics. */
  metricsText(podName: string): string | undefined;
  loadedCorefileHash(podName: string): string | undefined;
  runTool(pod: ToolPod, argv: string[]): Promise<ToolResult>;
  /** Services, Endpoints or Pods changed: TCP listeners for Service and pod IPs follow. */
  clusterChanged?(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of startDnsWorld. */
export interface DnsWorldOptions {
  seed: number;
  podFiles: (ns: string, name: string) => { resolvConf: string; hosts: string } | undefined;
  /** The Corefile engine; default: EVAL's CorefileServer. */
  engine?: CorefileEngine;
  /** forward's per-upstream read timeout (CoreDNS: 2000 ms); shrink it in tests. */
  forwardReadTimeoutMs?: number;
  /** Scales libc timeouts of the pod DNS tools (1 = real 5 s glibc timeouts). */
  toolTimeoutScale?: number;
  /** CoreDNS replicas' clock (cache TTLs); default Date.now. */
  now?: () => number;
}

/**
 * Every nameserver line of a resolv.conf, as CoreDNS's forward reads /etc/resolv.conf (miekg's
 * parser: all of them, no 3-server limit, IPv6 zone stripped).
 */
export function resolvConfNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push(m[1]!.replace(/%.*$/, ''));
  }
  return out;
}

const zoneLabel = 'topology.kubernetes.io/zone';

/** The CoreDNS version in an image reference ("registry.k8s.io/coredns/coredns:v1.11.3" → "1.11.3"). */
export function imageVersion(image: string): string | undefined {
  return /:v?(\d+\.\d+\.\d+)(?:[-@].*)?$/.exec(image)?.[1];
}

/** The network's view of a scenario. */
export function topologyOf(scenario: Scenario): Topology {
  return new Topology({
    nodes: scenario.nodes.map((n) => ({ name: n.name, ip: n.ip, podCIDR: n.podCIDR, zone: n.labels[zoneLabel] })),
    pods: [
      ...scenario.pods.map((p) => ({ namespace: p.namespace, name: p.name, ip: p.hostNetwork ? scenario.nodes.find((n) => n.name === p.node)?.ip ?? p.ip : p.ip, node: p.node })),
      ...scenario.coredns.pods.map((p) => ({ namespace: scenario.coredns.namespace, name: p.name, ip: p.ip, node: p.node })),
    ],
    services: scenario.services.map((s) => ({ namespace: s.namespace, name: s.name, clusterIP: s.clusterIP })),
    dnsService: scenario.cluster.dnsService,
  });
}

/** The lab's DNS world; exposes its parts for tests and the lab's own diagnostics. */
export class LabDnsWorld implements DnsWorld {
  readonly replicas = new Map<string, CorednsReplica>();
  private corefile: string;
  private files: Record<string, string>;
  private stopped = false;

  constructor(
    readonly scenario: Scenario,
    readonly labNet: LabNetwork,
    readonly resolvers: UpstreamResolver[],
    readonly tcpHosts: TcpHosts,
    private readonly cluster: () => ClusterState,
    private readonly opts: DnsWorldOptions & { engine: CorefileEngine },
  ) {
    this.corefile = scenario.coredns.corefile;
    this.files = { ...scenario.coredns.files };
    this.vip = new DnsServiceVip(labNet, scenario.cluster.dnsService.ip, () => [...this.replicas.values()], opts.seed);
  }

  readonly vip: DnsServiceVip;

  private newReplica(pod: CorednsPodSpec): CorednsReplica {
    const node = this.scenario.nodes.find((n) => n.name === pod.node);
    if (!node) throw new Error(`CoreDNS pod ${pod.name}: no node named "${pod.node}"`);
    this.labNet.topo.addPod({ namespace: this.scenario.coredns.namespace, name: pod.name, ip: pod.ip, node: pod.node });
    return new CorednsReplica(
      { name: pod.name, node: pod.node, ip: pod.ip, ready: pod.ready ?? true },
      {
        labNet: this.labNet,
        engine: this.opts.engine,
        nodeIp: node.ip,
        nodeResolvers: resolvConfNameservers(node.resolvConf),
        cluster: this.cluster,
        seed: this.opts.seed,
        forwardReadTimeoutMs: this.opts.forwardReadTimeoutMs,
        now: this.opts.now,
        corednsVersion: imageVersion(this.scenario.coredns.image),
      },
    );
  }

  /** Starts replicas, then the VIP. */
  async start(): Promise<this> {
    await this.setReplicas(this.scenario.coredns.pods);
    await this.vip.start();
    return this;
  }

  reloadCorefile(text: string, files?: Record<string, string>): void {
    this.corefile = text;
    if (files) this.files = { ...files };
    for (const r of this.replicas.values()) r.reload(this.corefile, this.files);
  }

  restartReplica(podName: string): void {
    const r = this.replicas.get(podName);
    if (!r) throw new Error(`restartReplica: no CoreDNS pod named "${podName}"`);
    // The interface is synchronous (a kubelet restart is not awaited by the API); start() binds
    // its sockets right away and never rejects for a bad Corefile (the replica then does not serve).
    void r.start(this.corefile, this.files).catch(() => {});
  }

  async setReplicas(pods: CorednsPodSpec[]): Promise<void> {
    const keep = new Set(pods.map((p) => p.name));
    for (const [name, r] of this.replicas) {
      if (!keep.has(name)) {
        this.replicas.delete(name);
        await r.stop();
      }
    }
    for (const pod of pods) {
      const existing = this.replicas.get(pod.name);
      if (existing && existing.spec.ip === pod.ip && existing.spec.ready === (pod.ready ?? true)) continue;
      if (existing) await existing.stop();
      const r = this.newReplica(pod);
      this.replicas.set(pod.name, r);
      await r.start(this.corefile, this.files);
    }
  }

  metricsText(podName: string): string | undefined {
    return this.replicas.get(podName)?.metricsText();
  }

  loadedCorefileHash(podName: string): string | undefined {
    return this.replicas.get(podName)?.loadedHash;
  }

  runTool(pod: ToolPod, argv: string[]): Promise<ToolResult> {
    const spec = this.scenario.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name);
    // The image's C library decides the stub resolver: musl for Alpine/busybox images unless the scenario says.
    const libc = spec?.libc ?? (/alpine|busybox/.test(spec?.image ?? '') ? 'musl' : 'glibc');
    return runPodTool(this.labNet.map, pod, argv, this.opts.podFiles(pod.namespace, pod.name), { timeoutScale: this.opts.toolTimeoutScale ?? 1, libc });
  }

  clusterChanged(): Promise<void> {
    return this.tcpHosts.refresh();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.vip.stop();
    await Promise.all([...this.replicas.values()].map((r) => r.stop()));
    await Promise.all(this.resolvers.map((r) => r.stop()));
    await this.tcpHosts.stop();
    await this.labNet.close();
  }
}

/**
 * Starts the DNS world of a scenario on `map`. `cluster` returns the lab's current Services,
 * Endpoints and Pods (read at query time). Throws (after closing what it opened) when a part of the
 * scenario cannot be used, naming it.
 */
export async function startDnsWorld(
  scenario: Scenario,
  map: AddressMap,
  cluster: () => ClusterState,
  opts: DnsWorldOptions,
): Promise<LabDnsWorld> {
  const engine = opts.engine ?? (await import('./corefile-server-engine.js')).corefileServerEngine;
  const topo = topologyOf(scenario);
  const rules = new NetworkRules(scenario.network, topo, opts.seed);
  const labNet = await LabNetwork.start(map, topo, rules);
  const resolvers: UpstreamResolver[] = [];
  let tcpHosts: TcpHosts | undefined;
  try {
    const resolverIp = (name: string): string | undefined => scenario.resolvers.find((r) => r.name === name)?.ip;
    for (const spec of scenario.resolvers) {
      const r = new UpstreamResolver(spec, labNet, { resolverIp, forwardTimeoutMs: opts.forwardReadTimeoutMs });
      resolvers.push(r);
      await r.start();
    }
    // The DNS Service VIP and every CoreDNS pod's :53 are served by the VIP and the replicas.
    const corednsIps = new Set(scenario.coredns.pods.map((p) => p.ip));
    const servedElsewhere = (ip: string, port: number): boolean => port === 53 && (ip === scenario.cluster.dnsService.ip || corednsIps.has(ip) || map.isServed(ip, 53, 'udp'));
    tcpHosts = await new TcpHosts(labNet, scenario.hosts, cluster, opts.seed, servedElsewhere).start();
    return await new LabDnsWorld(scenario, labNet, resolvers, tcpHosts, cluster, { ...opts, engine }).start();
  } catch (err) {
    await Promise.all(resolvers.map((r) => r.stop()));
    await tcpHosts?.stop();
    await labNet.close();
    throw err;
  }
}
