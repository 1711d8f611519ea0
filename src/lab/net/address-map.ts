/**
 * Maps every cluster IP of a scenario to its own loopback address, and every (ip, port, proto) the
 * lab serves to the ephemeral port its server really bound. Real packets then carry real (mapped)
 * source addresses, so views and network rules see who is asking, with no root and no packet
 * leaving 127.0.0.0/8.
 */
import type { NetworkPosition } from '../../core/network-position.js';

/** Port used for cluster addresses nothing serves: connecting to it is refused at once. */
export const closedPort = 1;

/**
 * Decides where packets really go before any listener sees them: a network rule may send a TCP
 * SYN into a black hole or make the kernel refuse at once, kube-proxy may reject a Service without
 * endpoints (see README.md). `from` is the sender's identity when it gave one. Returns undefined to
 * leave the normal mapping alone.
 */
export type DialGuard = (
  ip: string,
  port: number,
  proto: 'udp' | 'tcp',
  from: string | undefined,
) => { host: string; port: number } | undefined;

/** Client sockets opened in the sender's own network namespace (the netns backend); loopback labs have none. */
export interface ClientSockets {
  /** A UDP socket bound to an ephemeral port of `from`, in the namespace that owns `from`. */
  udpFrom(from: string): Promise<import('node:dgram').Socket>;
  /** A TCP connection made from the namespace that owns `from` (rejects with the errno code: ECONNREFUSED, ETIMEDOUT). */
  connectFrom(from: string, host: string, port: number, timeoutMs: number): Promise<import('node:net').Socket>;
}

export class AddressMap implements NetworkPosition {
  /** Set by the netns backend: senders then open their sockets in their own namespaces. */
  clientSockets?: ClientSockets;
  private readonly toLoopback = new Map<string, string>();
  private readonly fromLoopback = new Map<string, string>();
  private readonly served = new Map<string, number>();
  private readonly servedReverse = new Map<string, { ip: string; port: number }>();
  private readonly guards: DialGuard[] = [];
  private next = 1;

  /**
   * @param secondOctet - 127.<secondOctet>.x.y is this lab's range (1..254). Labs running at the
   *   same time may share a range: servers bind ephemeral ports, so they never collide.
   */
  constructor(private readonly secondOctet: number = 1 + Math.floor(Math.random() * 254)) {
    if (!Number.isInteger(secondOctet) || secondOctet < 1 || secondOctet > 254) {
      throw new Error(`AddressMap: second octet must be 1..254, got ${secondOctet}`);
    }
  }

  /** The loopback address standing for a cluster IP (allocated on first use, stable afterwards). */
  loopbackFor(ip: string): string {
    let mapped = this.toLoopback.get(ip);
    if (!mapped) {
      const n = this.next++;
      if (n >= 256 * 254) throw new Error('AddressMap: more than 65024 addresses in one lab');
      mapped = `127.${this.secondOctet}.${Math.floor(n / 254)}.${(n % 254) + 1}`;
      this.toLoopback.set(ip, mapped);
      this.fromLoopback.set(mapped, ip);
    }
    return mapped;
  }

  /** Records that a lab server for `ip:port/proto` listens on the mapped address at `boundPort`. */
  registerServer(ip: string, port: number, proto: 'udp' | 'tcp', boundPort: number): void {
    this.served.set(`${proto}|${ip}|${port}`, boundPort);
    this.servedReverse.set(`${proto}|${this.loopbackFor(ip)}|${boundPort}`, { ip, port });
  }

  unregisterServer(ip: string, port: number, proto: 'udp' | 'tcp'): void {
    const bound = this.served.get(`${proto}|${ip}|${port}`);
    this.served.delete(`${proto}|${ip}|${port}`);
    if (bound !== undefined) this.servedReverse.delete(`${proto}|${this.loopbackFor(ip)}|${bound}`);
  }

  /** True when something in the lab serves this address. */
  isServed(ip: string, port: number, proto: 'udp' | 'tcp'): boolean {
    return this.served.has(`${proto}|${ip}|${port}`);
  }

  /** Adds a guard consulted (in order) when a caller dials with its source identity. Returns a remover. */
  addDialGuard(guard: DialGuard): () => void {
    this.guards.push(guard);
    return () => {
      const i = this.guards.indexOf(guard);
      if (i >= 0) this.guards.splice(i, 1);
    };
  }

  /** Where to send for `ip:port/proto`; with `from`, network rules the kernel would apply are honoured. */
  dial(ip: string, port: number, proto: 'udp' | 'tcp', from?: string): { host: string; port: number } {
    for (const guard of this.guards) {
      const to = guard(ip, port, proto, from);
      if (to) return to;
    }
    return { host: this.loopbackFor(ip), port: this.served.get(`${proto}|${ip}|${port}`) ?? closedPort };
  }

  /** The port a lab server for `ip:port/proto` really bound, if one is registered. */
  boundPort(ip: string, port: number, proto: 'udp' | 'tcp'): number | undefined {
    return this.served.get(`${proto}|${ip}|${port}`);
  }

  bindAddress(clusterIp: string | undefined): string | undefined {
    return clusterIp === undefined ? undefined : this.loopbackFor(clusterIp);
  }

  reverse(host: string, port: number): { ip: string; port: number } {
    const served = this.servedReverse.get(`udp|${host}|${port}`) ?? this.servedReverse.get(`tcp|${host}|${port}`);
    if (served) return served;
    return { ip: this.fromLoopback.get(host) ?? host, port };
  }

  /** The cluster IP behind a loopback source address, if it is one of ours. */
  clusterIpOf(loopback: string): string | undefined {
    return this.fromLoopback.get(loopback.replace(/^::ffff:/, ''));
  }
}
