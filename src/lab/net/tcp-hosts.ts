/**
 * Things that answer TCP in the lab (docs/lab-scenario.md, "hosts"): every `hosts[].tcp` port; a
 * Service's cluster IP on the Service's TCP ports while it has ready endpoints (kube-proxy rejects
 * when it has none); a pod IP on the ports of the Services selecting it. A connection that gets
 * through is accepted and closed politely (FIN), which is all a reachability probe needs.
 *
 * The scenario's hosts get a listener each. Service and pod ports do not: a cluster has far more
 * of them than a process has file descriptors (30,000 pods), so they are demultiplexed. The dial
 * guard knows every Service and pod port from an index over the cluster state; a sender that dials
 * with its identity is judged there (network rules to the address as dialled, then to the
 * endpoint kube-proxy picked, seeded) and, when it gets through, sent to one shared listener that
 * accepts and closes. A sender that does not give its identity reaches that listener without the
 * rules (README.md, "Limitation").
 */
import net from 'node:net';
import type { ClusterState, ServiceFacts } from '../../core/model/k8s.js';
import { closedPort } from './address-map.js';
import type { LabNetwork, LabServer } from './lab-network.js';
import { rngStream, type Rng } from './seeded-rng.js';

/** One `hosts` entry of a scenario. */
export interface TcpHostSpec {
  ip: string;
  tcp: number[];
}

/** One address and port that answers TCP, and why. */
export interface TcpTarget {
  ip: string;
  port: number;
  kind: 'host' | 'service' | 'pod';
  service?: ServiceFacts;
}

function key(ip: string, port: number): string {
  return `${ip}|${port}`;
}

/** The Service and pod ports of a cluster state, with each Service's ready endpoints, by address. */
interface ClusterTargets {
  services: ClusterState['services'];
  endpoints: ClusterState['endpoints'];
  byAddress: Map<string, TcpTarget>;
  ready: Map<ServiceFacts, string[]>;
}

/** Cluster address of the shared listener's own loopback address (never a scenario address). */
const demuxName = 'lab:tcp-demux';

export class TcpHosts {
  private readonly listening = new Map<string, LabServer>();
  private readonly rng: Rng;
  private removeGuard: (() => void) | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;
  private targets: ClusterTargets | undefined;
  private demux: { server: net.Server; host: string; port: number; sockets: Set<net.Socket> } | undefined;

  constructor(
    private readonly labNet: LabNetwork,
    private readonly hosts: readonly TcpHostSpec[],
    private readonly cluster: () => ClusterState,
    seed: number,
    /** Addresses served by someone else (the DNS Service VIP, CoreDNS replicas on :53). */
    private readonly servedElsewhere: (ip: string, port: number) => boolean = () => false,
  ) {
    this.rng = rngStream(seed, 'kube-proxy:tcp');
  }

  /** Listens on the scenario's hosts and the shared Service/pod listener, and installs the dial guard. */
  async start(): Promise<this> {
    // On the kernel, Service and pod ports are nft DNAT and real listeners (src/lab/netns).
    if (this.labNet.kernel) {
      await this.refresh();
      return this;
    }
    this.demux = await startDemux(this.labNet.map.loopbackFor(demuxName));
    this.removeGuard = this.labNet.map.addDialGuard((ip, port, proto, from) => {
      if (proto !== 'tcp' || this.servedElsewhere(ip, port) || this.labNet.map.isServed(ip, port, 'tcp')) return undefined;
      const current = this.clusterTargets();
      const target = current.byAddress.get(key(ip, port));
      if (!target) return undefined;
      const toDemux = { host: this.demux!.host, port: this.demux!.port };
      if (target.kind === 'pod') return toDemux; // the network's own guard already judged rules to the pod
      // A Service without ready endpoints: kube-proxy's REJECT rule refuses the SYN at once.
      const backends = current.ready.get(target.service!) ?? [];
      if (backends.length === 0) return { host: this.labNet.map.loopbackFor(ip), port: closedPort };
      if (from === undefined) return toDemux;
      // kube-proxy picks the endpoint at SYN time; a rule to that endpoint then decides the SYN.
      const backend = backends[Math.floor(this.rng() * backends.length)]!;
      const src = this.labNet.topo.effectiveSource(from, ip);
      // NetworkPolicies see the translated packet: to the endpoint's target port.
      const servicePort = target.service!.ports.find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
      const targetPort = typeof servicePort?.targetPort === 'number' ? servicePort.targetPort : port;
      const action = this.labNet.rules.gate({ from: src, to: backend, proto: 'tcp', port }, { from: src, origin: from, to: backend, proto: 'tcp', port: targetPort });
      if (action === 'reject') return { host: this.labNet.map.loopbackFor(ip), port: closedPort };
      if (action === 'drop') return this.labNet.synBlackHole;
      return toDemux;
    });
    await this.refresh();
    return this;
  }

  /**
   * The index over the current cluster state, rebuilt only when its Services or endpoints change
   * (a new pod alone changes neither: its ports are known once an EndpointSlice lists it).
   */
  private clusterTargets(): ClusterTargets {
    const state = this.cluster();
    if (this.targets?.services === state.services && this.targets.endpoints === state.endpoints) return this.targets;
    const hostKeys = new Set(this.hosts.flatMap((h) => h.tcp.map((p) => key(h.ip, p))));
    const byAddress = new Map<string, TcpTarget>();
    const ready = new Map<ServiceFacts, string[]>();
    const endpointsOf = new Map(state.endpoints.map((e) => [`${e.namespace}/${e.service}`, e]));
    const claim = (t: TcpTarget) => {
      const k = key(t.ip, t.port);
      if (!hostKeys.has(k) && !byAddress.has(k)) byAddress.set(k, t);
    };
    for (const svc of state.services) {
      const tcpPorts = svc.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP');
      if (svc.clusterIP && svc.clusterIP !== 'None') for (const p of tcpPorts) claim({ ip: svc.clusterIP, port: p.port, kind: 'service', service: svc });
      const eps = endpointsOf.get(`${svc.namespace}/${svc.name}`);
      ready.set(svc, eps ? eps.addresses.filter((a) => a.ready).map((a) => a.ip) : []);
      if (!eps) continue;
      const podPorts = new Set<number>(eps.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.port));
      for (const p of tcpPorts) podPorts.add(typeof p.targetPort === 'number' ? p.targetPort : p.port);
      for (const a of eps.addresses) for (const port of podPorts) claim({ ip: a.ip, port, kind: 'pod' });
    }
    this.targets = { services: state.services, endpoints: state.endpoints, byAddress, ready };
    return this.targets;
  }

  /**
   * Call after Services/Endpoints change: the scenario's hosts get their listeners (once); Service
   * and pod ports follow the cluster state by themselves (the guard reads it at dial time).
   */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      if (this.stopped) return;
      for (const h of this.hosts) {
        for (const port of h.tcp) {
          const k = key(h.ip, port);
          if (this.listening.has(k) || this.servedElsewhere(h.ip, port) || this.labNet.map.isServed(h.ip, port, 'tcp')) continue;
          this.listening.set(k, await this.labNet.serveTcp(h.ip, port, (sock) => sock.end(), { dropAfterAccept: 'reset' }));
        }
      }
    });
    return this.refreshing;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.refreshing;
    this.removeGuard?.();
    await Promise.all([...this.listening.values()].map((s) => s.close()));
    this.listening.clear();
    const demux = this.demux;
    this.demux = undefined;
    if (demux) {
      for (const s of demux.sockets) s.destroy();
      await new Promise<void>((r) => demux.server.close(() => r()));
    }
  }
}

/** The shared listener for Service and pod ports: accepts and closes (FIN). */
async function startDemux(host: string): Promise<{ server: net.Server; host: string; port: number; sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: false }, (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, host, port: (server.address() as net.AddressInfo).port, sockets };
}
