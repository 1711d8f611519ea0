/**
 * The lab's network: the address map, who is who, and the rules, plus helpers that run servers on
 * mapped addresses. Every server identifies its client by the packet's real (mapped) source
 * address, applies SNAT and the network rules to each datagram and connection, and only then
 * calls its handler. `close()` closes every socket it opened.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { closedPort, type AddressMap } from './address-map.js';
import { FrameReader, frame } from './dns-framing.js';
import type { NetworkRules, PacketInfo, Verdict } from './network-rules.js';
import { SynBlackHole } from './syn-black-hole.js';
import type { Topology } from './topology.js';

/** A client as a lab server sees it. */
export interface LabClient {
  /** Cluster address the receiver sees (after SNAT), or the raw address for non-lab senders. */
  ip: string;
  port: number;
  /** Cluster address the sender really had (before SNAT). */
  sourceIp: string;
  /** Loopback address and port of the socket (to reply to). */
  host: string;
  hostPort: number;
}

/** Answers one DNS message; null answers nothing. */
export type DnsHandler = (msg: Buffer, client: LabClient, proto: 'udp' | 'tcp') => Promise<Buffer | null> | Buffer | null;

/** `apply` (default): the server applies the rules to what it receives. `none`: the handler decides (the Service VIP). */
export interface ServeOptions {
  rules?: 'apply' | 'none';
  /**
   * What a TCP server does with a connection a `drop` rule matches but the kernel already accepted
   * (the sender did not dial with its identity): `silent` (default) holds it open and writes nothing,
   * so a DNS client times out; `reset` closes it with RST, so a bare connect probe does not report
   * a dropped destination as reachable.
   */
  dropAfterAccept?: 'silent' | 'reset';
}

/** A running lab server. */
export interface LabServer {
  ip: string;
  port: number;
  proto: 'udp' | 'tcp';
  boundPort: number;
  close(): Promise<void>;
}

/**
 * Sockets on the real kernel (the netns backend, src/lab/netns): a server's socket is opened in the
 * namespace that owns its address, and the kernel applies drop, reject, loss and the NetworkPolicies
 * (nft) before the server sees a packet; only delay is still added here (this kernel has no netem).
 */
export interface KernelSockets {
  udp(ip: string, port: number): Promise<dgram.Socket>;
  listen(ip: string, port: number): Promise<net.Server>;
}

/** Cluster address used for the SYN black hole's own loopback address (never a scenario address). */
const blackHoleName = 'lab:syn-black-hole';

export class LabNetwork {
  private readonly servers = new Set<LabServer>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sockets = new Set<net.Socket>();
  private removeGuard: (() => void) | undefined;
  private closed = false;

  private constructor(
    readonly map: AddressMap,
    readonly topo: Topology,
    readonly rules: NetworkRules,
    private readonly blackHole: SynBlackHole | undefined,
    private readonly sink: { host: string; port: number; sock: dgram.Socket } | undefined,
    readonly kernel?: KernelSockets,
  ) {}

  /** A network whose packets the kernel carries and judges (no black hole, sink or dial guard). */
  static onKernel(map: AddressMap, topo: Topology, rules: NetworkRules, kernel: KernelSockets): LabNetwork {
    return new LabNetwork(map, topo, rules, undefined, undefined, kernel);
  }

  /** What a server does with a packet: on the kernel only a delay is left to add (it dropped the rest). */
  private verdict(p: PacketInfo, opts: ServeOptions): Verdict {
    if (opts.rules === 'none') return { action: 'deliver', delayMs: 0 };
    const v = this.rules.decide(p);
    // The kernel applied the scenario's rules and the NetworkPolicies (nft): what arrives was let through.
    if (this.kernel && v.action !== 'deliver') return { action: 'deliver', delayMs: 0 };
    return v;
  }

  /** Starts the network (the SYN black hole, the UDP sink) and installs the rule-aware dial guard in the map. */
  static async start(map: AddressMap, topo: Topology, rules: NetworkRules): Promise<LabNetwork> {
    const hole = await SynBlackHole.start(map.loopbackFor(blackHoleName));
    const sinkSock = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sinkSock.bind({ address: hole.host, port: 0 }, () => resolve()));
    sinkSock.on('message', () => {});
    sinkSock.on('error', () => {});
    const labNet = new LabNetwork(map, topo, rules, hole, { host: hole.host, port: sinkSock.address().port, sock: sinkSock });
    labNet.removeGuard = map.addDialGuard((ip, port, proto, from) => labNet.dialGuard(ip, port, proto, from));
    return labNet;
  }

  /**
   * What the kernel would do before any listener sees the packet: reject → refused at once (a
   * closed port, so the kernel itself answers RST or ICMP port unreachable); drop → never answered
   * (TCP: the SYN black hole; UDP: a sink that discards), for a rule or a NetworkPolicy. Loss and
   * delay are applied by the receiving server.
   */
  private dialGuard(ip: string, port: number, proto: 'udp' | 'tcp', from: string | undefined): { host: string; port: number } | undefined {
    if (from === undefined) return undefined;
    const src = this.topo.effectiveSource(from, ip);
    const packet = { from: src, to: ip, proto, port, origin: from };
    // A Service IP's endpoint is chosen (and judged by the NetworkPolicies) by kube-proxy's emulation.
    const action = this.rules.gate(packet, this.topo.isServiceIp(ip) ? null : packet);
    if (action === 'reject') return { host: this.map.loopbackFor(ip), port: closedPort };
    if (action === 'drop') return proto === 'tcp' ? this.synBlackHole : this.udpSink();
    return undefined;
  }

  /**
   * Where a dropped datagram goes: a socket that reads and discards, so the sender times out even
   * when nothing serves the destination (a closed port would make the kernel answer ICMP instead).
   */
  private udpSink(): { host: string; port: number } {
    return { host: this.sink!.host, port: this.sink!.port };
  }

  /** Where a TCP SYN goes to be dropped (connect() then times out). */
  get synBlackHole(): { host: string; port: number } {
    if (!this.blackHole) throw new Error('the kernel network has no SYN black hole (the kernel drops SYNs itself)');
    return { host: this.blackHole.host, port: this.blackHole.port };
  }

  /** Who sent from `host:port`, as seen by a receiver at cluster address `dstIp`. */
  identify(host: string, port: number, dstIp: string): LabClient {
    const sourceIp = this.map.clusterIpOf(host) ?? host.replace(/^::ffff:/, '');
    return { ip: this.topo.effectiveSource(sourceIp, dstIp), port, sourceIp, host, hostPort: port };
  }

  /** Runs `fn` after `ms` (0: now), unless the network closed meanwhile. */
  later(ms: number, fn: () => void): void {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  /** Decides a packet (convenience for servers with their own rule handling). */
  decide(p: PacketInfo): Verdict {
    return this.rules.decide(p);
  }

  /** Serves DNS over UDP at cluster address `ip:port`. */
  async serveDnsUdp(ip: string, port: number, handler: DnsHandler, opts: ServeOptions = {}): Promise<LabServer> {
    this.assertOpen(ip, port);
    const sock = this.kernel ? await this.kernel.udp(ip, port) : dgram.createSocket('udp4');
    if (!this.kernel) {
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind({ address: this.map.loopbackFor(ip), port: 0 }, () => {
          sock.off('error', reject);
          resolve();
        });
      });
    }
    // A send to a client that went away must not crash the lab.
    sock.on('error', () => {});
    sock.on('message', (msg, rinfo) => {
      const client = this.identify(rinfo.address, rinfo.port, ip);
      const verdict = this.verdict({ from: client.ip, to: ip, proto: 'udp', port, origin: client.sourceIp }, opts);
      // UDP reject: userspace cannot send ICMP; senders that dial with `from` get a real ICMP
      // port unreachable from the kernel (dialGuard). Others see a drop.
      if (verdict.action !== 'deliver') return;
      this.later(verdict.delayMs, () => {
        void Promise.resolve()
          .then(() => handler(msg, client, 'udp'))
          .then((resp) => {
            if (resp && !this.closed) sock.send(resp, rinfo.port, rinfo.address);
          })
          .catch(() => {});
      });
    });
    const boundPort = sock.address().port;
    this.map.registerServer(ip, port, 'udp', boundPort);
    const server: LabServer = {
      ip, port, proto: 'udp', boundPort,
      close: () => {
        this.servers.delete(server);
        this.map.unregisterServer(ip, port, 'udp');
        return new Promise<void>((resolve) => sock.close(() => resolve()));
      },
    };
    this.servers.add(server);
    return server;
  }

  /**
   * Serves raw TCP at cluster address `ip:port`. The connection rules are applied first: drop →
   * the socket is held open and silent (for senders that did not dial with `from`; see README),
   * reject → reset at once.
   */
  async serveTcp(
    ip: string,
    port: number,
    onConnection: (sock: net.Socket, client: LabClient, verdict: Verdict) => void,
    opts: ServeOptions = {},
  ): Promise<LabServer> {
    this.assertOpen(ip, port);
    // This server's own connections: a silently held (dropped) one never ends by itself, and
    // net.Server#close waits for every connection, so close() must destroy them first.
    const connections = new Set<net.Socket>();
    const onConnect = (sock: net.Socket) => {
      // A kernel listener is opened paused (by its namespace's agent) so no byte is lost in the hand-over.
      if (this.kernel) sock.resume();
      this.sockets.add(sock);
      connections.add(sock);
      sock.on('close', () => {
        this.sockets.delete(sock);
        connections.delete(sock);
      });
      sock.on('error', () => {});
      const client = this.identify(sock.remoteAddress ?? '', sock.remotePort ?? 0, ip);
      const verdict = this.verdict({ from: client.ip, to: ip, proto: 'tcp', port, origin: client.sourceIp }, opts);
      if (verdict.action === 'reject') return void sock.resetAndDestroy();
      if (verdict.action === 'drop' && !(verdict.lost ?? false)) {
        if (opts.dropAfterAccept === 'reset') return void sock.resetAndDestroy();
        // Silent: nothing is ever written; the client's own timeout ends it.
        return;
      }
      // TCP retransmits lost segments, so a `loss` verdict still delivers.
      onConnection(sock, client, verdict.action === 'drop' ? { action: 'deliver', delayMs: 0, rule: verdict.rule } : verdict);
    };
    let srv: net.Server;
    if (this.kernel) {
      srv = await this.kernel.listen(ip, port);
      srv.on('connection', onConnect);
    } else {
      srv = net.createServer({ allowHalfOpen: false }, onConnect);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ host: this.map.loopbackFor(ip), port: 0 }, () => {
          srv.off('error', reject);
          resolve();
        });
      });
    }
    const boundPort = (srv.address() as net.AddressInfo).port;
    this.map.registerServer(ip, port, 'tcp', boundPort);
    const server: LabServer = {
      ip, port, proto: 'tcp', boundPort,
      close: () => {
        this.servers.delete(server);
        this.map.unregisterServer(ip, port, 'tcp');
        for (const sock of connections) sock.destroy();
        return new Promise<void>((resolve) => srv.close(() => resolve()));
      },
    };
    this.servers.add(server);
    return server;
  }

  /** Serves DNS over TCP (2-byte framing) at cluster address `ip:port`. */
  serveDnsTcp(ip: string, port: number, handler: DnsHandler, opts: ServeOptions = {}): Promise<LabServer> {
    return this.serveTcp(
      ip,
      port,
      (sock, client, verdict) => {
        const reader = new FrameReader();
        sock.on('data', (chunk) => {
          for (const msg of reader.push(chunk)) {
            this.later(verdict.action === 'deliver' ? verdict.delayMs : 0, () => {
              void Promise.resolve()
                .then(() => handler(msg, client, 'tcp'))
                .then((resp) => {
                  if (resp && !sock.destroyed) sock.write(frame(resp));
                })
                .catch(() => {});
            });
          }
        });
      },
      opts,
    );
  }

  private assertOpen(ip: string, port: number): void {
    if (this.closed) throw new Error(`lab network is closed: cannot serve ${ip}:${port}`);
  }

  /** Closes every server, pending delay timer and accepted socket, and the black hole. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await Promise.all([...this.servers].map((s) => s.close()));
    this.removeGuard?.();
    const sink = this.sink;
    if (sink) await new Promise<void>((resolve) => sink.sock.close(() => resolve()));
    await this.blackHole?.stop();
  }
}
