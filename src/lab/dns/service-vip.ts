/**
 * The DNS Service's cluster IP, as kube-proxy implements it: each new flow goes to a random READY
 * CoreDNS replica (seeded), keeping the client's source address; UDP flows are remembered per
 * client socket (conntrack, 30 s, refreshed by traffic), so a client's retries from the same
 * socket reach the same backend — which is why, in seed 003, retries keep hitting the blocked
 * replica. Rules to the Service IP apply before translation, rules to pods/nodes after it. With no
 * ready replica, kube-proxy rejects: UDP port unreachable, TCP refused.
 *
 * The backends are the ready addresses of the DNS Service's EndpointSlices, as kube-proxy reads them: a
 * selector that matches nothing leaves none, and an address written by hand that no CoreDNS replica
 * serves is a backend whose packets are never answered.
 */
import type net from 'node:net';
import { closedPort } from '../net/address-map.js';
import { FrameReader, frame } from '../net/dns-framing.js';
import type { LabClient, LabNetwork, LabServer } from '../net/lab-network.js';
import { rngStream, type Rng } from '../net/seeded-rng.js';
import type { CorednsReplica } from './coredns-replica.js';

/** One endpoint of the DNS Service: a CoreDNS replica, or an address no replica serves. */
interface Backend {
  ip: string;
  replica?: CorednsReplica;
}

/** conntrack's nf_conntrack_udp_timeout. */
const udpFlowTimeoutMs = 30_000;

export class DnsServiceVip {
  private readonly flows = new Map<string, { backend: string; expires: number }>();
  private readonly servers: LabServer[] = [];
  private readonly rng: Rng;
  private removeGuard: (() => void) | undefined;

  constructor(
    private readonly labNet: LabNetwork,
    readonly ip: string,
    private readonly replicas: () => CorednsReplica[],
    seed: number,
    private readonly now: () => number = Date.now,
    /** Ready addresses of the DNS Service's EndpointSlices; undefined: every serving replica. */
    private readonly endpoints?: () => readonly string[],
  ) {
    this.rng = rngStream(seed, `kube-proxy:${ip}`);
  }

  /** The backends: serving replicas the endpoints list (in replica order), then listed addresses no replica serves. */
  private ready(): Backend[] {
    const serving = this.replicas().filter((r) => r.serving);
    if (!this.endpoints) return serving.map((r) => ({ ip: r.spec.ip, replica: r }));
    const listed = this.endpoints();
    const set = new Set(listed);
    const known = new Set(this.replicas().map((r) => r.spec.ip));
    return [
      ...serving.filter((r) => set.has(r.spec.ip)).map((r) => ({ ip: r.spec.ip, replica: r })),
      ...listed.filter((ip) => !known.has(ip)).map((ip) => ({ ip })),
    ];
  }

  async start(): Promise<this> {
    this.removeGuard = this.labNet.map.addDialGuard((ip, port) => {
      if (ip !== this.ip || port !== 53 || this.ready().length > 0) return undefined;
      return { host: this.labNet.map.loopbackFor(ip), port: closedPort };
    });
    this.servers.push(await this.labNet.serveDnsUdp(this.ip, 53, (msg, client) => this.udp(msg, client), { rules: 'none' }));
    this.servers.push(await this.labNet.serveTcp(this.ip, 53, (sock, client) => this.tcp(sock, client), { rules: 'none' }));
    return this;
  }

  /** The backend for a UDP flow: the remembered one while it lives and is ready, else a new pick. */
  private udpBackend(client: LabClient): Backend | undefined {
    const ready = this.ready();
    if (ready.length === 0) return undefined;
    const key = `${client.host}:${client.hostPort}`;
    const now = this.now();
    const flow = this.flows.get(key);
    let backend = flow && flow.expires > now ? ready.find((r) => r.ip === flow.backend) : undefined;
    backend ??= ready[Math.floor(this.rng() * ready.length)]!;
    this.flows.set(key, { backend: backend.ip, expires: now + udpFlowTimeoutMs });
    if (this.flows.size > 10000) for (const [k, f] of this.flows) if (f.expires <= now) this.flows.delete(k);
    return backend;
  }

  private udp(msg: Buffer, client: LabClient): Promise<Buffer | null> | null {
    const backend = this.udpBackend(client);
    if (!backend) return null;
    const verdict = this.labNet.rules.decideTranslated({ from: client.ip, to: this.ip, proto: 'udp', port: 53, origin: client.sourceIp }, { ip: backend.ip, port: 53 });
    // An endpoint address nothing serves: the translated datagram is never answered.
    const replica = backend.replica;
    if (verdict.action !== 'deliver' || !replica) return null;
    if (verdict.delayMs <= 0) return replica.handle(msg, client, 'udp');
    return new Promise((resolve) => this.labNet.later(verdict.delayMs, () => resolve(replica.handle(msg, client, 'udp'))));
  }

  private tcp(sock: net.Socket, client: LabClient): void {
    const ready = this.ready();
    if (ready.length === 0) return void sock.resetAndDestroy();
    const backend = ready[Math.floor(this.rng() * ready.length)]!;
    const verdict = this.labNet.rules.decideTranslated({ from: client.ip, to: this.ip, proto: 'tcp', port: 53, origin: client.sourceIp }, { ip: backend.ip, port: 53 });
    if (verdict.action === 'reject') return void sock.resetAndDestroy();
    // Dropped after a handshake the kernel already completed, or an endpoint nothing serves: stay silent
    // (see src/lab/net/README.md).
    const replica = backend.replica;
    if ((verdict.action === 'drop' && !verdict.lost) || !replica) return;
    const delayMs = verdict.action === 'deliver' ? verdict.delayMs : 0;
    const reader = new FrameReader();
    sock.on('data', (chunk) => {
      for (const msg of reader.push(chunk)) {
        this.labNet.later(delayMs, () => {
          void replica
            .handle(msg, client, 'tcp')
            .then((resp) => {
              if (resp && !sock.destroyed) sock.write(frame(resp));
            })
            .catch(() => {});
        });
      }
    });
  }

  async stop(): Promise<void> {
    this.removeGuard?.();
    await Promise.all(this.servers.splice(0).map((s) => s.close()));
  }
}
