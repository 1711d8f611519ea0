/**
 * Things that answer TCP in the lab (docs/lab-scenario.md, "hosts"): every `hosts[].tcp` port; a
 * Service's cluster IP on the Service's TCP ports while it has ready endpoints (kube-proxy rejects
 * when it has none); a pod IP on the ports of the Services selecting it. A connection that gets
 * through is accepted and closed politely (FIN), which is all a reachability probe needs.
 * Network rules apply: for a Service IP, to the address as dialled first, then to the endpoint
 * kube-proxy picked (seeded).
 */
import type net from 'node:net';
import type { ClusterState, ServiceFacts } from '../../core/model/k8s.js';
import { closedPort } from './address-map.js';
import type { LabClient, LabNetwork, LabServer } from './lab-network.js';
import { rngStream, type Rng } from './seeded-rng.js';

/** One `hosts` entry of a scenario. */
export interface TcpHostSpec {
  ip: string;
  tcp: number[];
}

interface Desired {
  ip: string;
  port: number;
  kind: 'host' | 'service' | 'pod';
  service?: ServiceFacts;
}

function key(ip: string, port: number): string {
  return `${ip}|${port}`;
}

export class TcpHosts {
  private readonly listening = new Map<string, LabServer>();
  private readonly rng: Rng;
  private removeGuard: (() => void) | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;

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

  /** Listens on everything the scenario and the cluster state say answers TCP. */
  async start(): Promise<this> {
    // A Service without ready endpoints: kube-proxy's REJECT rule refuses the SYN at once.
    this.removeGuard = this.labNet.map.addDialGuard((ip, port, proto, from) => {
      if (proto !== 'tcp' || this.servedElsewhere(ip, port)) return undefined;
      const svc = this.serviceAt(ip, port);
      if (!svc) return undefined;
      const backends = this.readyEndpoints(svc);
      if (backends.length === 0) return { host: this.labNet.map.loopbackFor(ip), port: closedPort };
      if (from === undefined) return undefined;
      // kube-proxy picks the endpoint at SYN time; a rule to that endpoint then decides the SYN.
      const backend = backends[Math.floor(this.rng() * backends.length)]!;
      const src = this.labNet.topo.effectiveSource(from, ip);
      const i = this.labNet.rules.firstMatch({ from: src, to: backend, proto: 'tcp', port });
      const action = i < 0 ? undefined : this.labNet.rules.rule(i)!.action;
      if (action === 'reject') return { host: this.labNet.map.loopbackFor(ip), port: closedPort };
      if (action === 'drop') return this.labNet.synBlackHole;
      return undefined;
    });
    await this.refresh();
    return this;
  }

  private serviceAt(ip: string, port: number): ServiceFacts | undefined {
    return this.cluster().services.find((s) => s.clusterIP === ip && s.ports.some((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP'));
  }

  private readyEndpoints(svc: ServiceFacts): string[] {
    const eps = this.cluster().endpoints.find((e) => e.namespace === svc.namespace && e.service === svc.name);
    return eps ? eps.addresses.filter((a) => a.ready).map((a) => a.ip) : [];
  }

  private desired(): Desired[] {
    const out = new Map<string, Desired>();
    for (const h of this.hosts) for (const port of h.tcp) out.set(key(h.ip, port), { ip: h.ip, port, kind: 'host' });
    const state = this.cluster();
    for (const svc of state.services) {
      const tcpPorts = svc.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP');
      if (svc.clusterIP && svc.clusterIP !== 'None') {
        for (const p of tcpPorts) if (!out.has(key(svc.clusterIP, p.port))) out.set(key(svc.clusterIP, p.port), { ip: svc.clusterIP, port: p.port, kind: 'service', service: svc });
      }
      const eps = state.endpoints.find((e) => e.namespace === svc.namespace && e.service === svc.name);
      if (!eps) continue;
      const podPorts = new Set<number>(eps.ports.filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.port));
      for (const p of tcpPorts) podPorts.add(typeof p.targetPort === 'number' ? p.targetPort : p.port);
      for (const a of eps.addresses) for (const port of podPorts) if (!out.has(key(a.ip, port))) out.set(key(a.ip, port), { ip: a.ip, port, kind: 'pod' });
    }
    return [...out.values()].filter((d) => !this.servedElsewhere(d.ip, d.port));
  }

  /** Reconciles listeners with the current cluster state (call after Services/Endpoints change). */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      if (this.stopped) return;
      const want = this.desired();
      const wantKeys = new Set(want.map((d) => key(d.ip, d.port)));
      for (const [k, server] of this.listening) {
        if (!wantKeys.has(k)) {
          this.listening.delete(k);
          await server.close();
        }
      }
      for (const d of want) {
        const k = key(d.ip, d.port);
        if (this.listening.has(k) || this.labNet.map.isServed(d.ip, d.port, 'tcp')) continue;
        const server =
          d.kind === 'service'
            ? await this.labNet.serveTcp(d.ip, d.port, (sock, client) => this.acceptService(sock, client, d), { rules: 'none' })
            : await this.labNet.serveTcp(d.ip, d.port, (sock) => sock.end(), { dropAfterAccept: 'reset' });
        this.listening.set(k, server);
      }
    });
    return this.refreshing;
  }

  /** kube-proxy: pick a ready endpoint, then judge the packet as addressed and as translated. */
  private acceptService(sock: net.Socket, client: LabClient, d: Desired): void {
    const backends = this.readyEndpoints(d.service!);
    if (backends.length === 0) return void sock.resetAndDestroy();
    const backend = backends[Math.floor(this.rng() * backends.length)]!;
    const verdict = this.labNet.rules.decideTranslated({ from: client.ip, to: d.ip, proto: 'tcp', port: d.port }, { ip: backend, port: d.port });
    if (verdict.action === 'reject') return void sock.resetAndDestroy();
    // Dropped after the handshake (the sender did not dial with its identity): reset, so a bare
    // connect probe does not take the destination for reachable (see README).
    if (verdict.action === 'drop' && !verdict.lost) return void sock.resetAndDestroy();
    sock.end();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.refreshing;
    this.removeGuard?.();
    await Promise.all([...this.listening.values()].map((s) => s.close()));
    this.listening.clear();
  }
}
