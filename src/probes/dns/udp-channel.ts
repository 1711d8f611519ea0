/**
 * One UDP socket to one DNS server, bound to the sender's identity and connected to the server
 * (so the kernel drops datagrams from anyone else and reports ICMP port-unreachable as
 * ECONNREFUSED). Several questions may be in flight on it (glibc sends A and AAAA together).
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { DecodedPacket } from 'dns-packet';
import type { DnsQuestion, ExchangeOutcome } from '../../core/model/dns.js';
import { encodeQuery, matchesQuestion, safeDecode } from './wire.js';

/** What one question got on a channel. */
export interface ChannelAnswer {
  kind: ExchangeOutcome;
  packet?: DecodedPacket;
  /** From the first send to the accepted reply (or to giving up). */
  latencyMs: number;
  /** Datagrams sent for this question. */
  tries: number;
  error?: string;
}

interface Pending {
  id: number;
  q: DnsQuestion;
  buf: Buffer;
  started: number;
  tries: number;
  maxTries: number;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
  resolve: (a: ChannelAnswer) => void;
}

/** A UDP socket to one server; open() it, ask(), then close(). */
export class UdpChannel {
  private socket: Socket | undefined;
  private readonly pending = new Map<number, Pending>();
  private failed: string | undefined;
  /** Datagrams that did not decode or did not match any question (kept for diagnostics). */
  ignored = 0;
  /** Id of the last question asked, by record type (for re-sending with the same id). */
  readonly lastIds = new Map<string, number>();

  constructor(
    private readonly dest: { host: string; port: number },
    private readonly bindHost: string | undefined,
  ) {}

  /** Binds (to the identity address, random port) and connects. Rejects with a clear message on failure. */
  async open(): Promise<void> {
    const family = this.dest.host.includes(':') ? 'udp6' : 'udp4';
    const sock = createSocket({ type: family });
    this.socket = sock;
    sock.on('message', (msg) => this.onMessage(msg));
    sock.on('error', (err: NodeJS.ErrnoException) => this.onError(err));
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => reject(new Error(`cannot open UDP socket to ${this.dest.host}:${this.dest.port}: ${err.message}`));
      sock.once('error', fail);
      const connect = (): void => {
        sock.connect(this.dest.port, this.dest.host, () => {
          sock.off('error', fail);
          resolve();
        });
      };
      if (this.bindHost) sock.bind({ address: this.bindHost, port: 0, exclusive: true }, connect);
      else connect();
    });
  }

  /**
   * Sends one question and waits for its strictly matching reply, re-sending after each per-try
   * timeout. `id` re-uses a query id (glibc re-sends a name with the same id on the same socket).
   */
  ask(q: DnsQuestion, opts: { timeoutMs: number; tries: number; edns?: boolean; ad?: boolean; recursionDesired?: boolean; id?: number }): Promise<ChannelAnswer> {
    let id = opts.id !== undefined && !this.pending.has(opts.id) ? opts.id : randomInt(65536);
    while (this.pending.has(id)) id = randomInt(65536);
    const buf = encodeQuery(id, q, opts);
    this.lastIds.set(q.type, id);
    return new Promise<ChannelAnswer>((resolve) => {
      const p: Pending = { id, q, buf, started: performance.now(), tries: 0, maxTries: Math.max(1, opts.tries), timeoutMs: opts.timeoutMs, resolve };
      this.pending.set(id, p);
      if (this.failed) return this.finish(p, { kind: 'refused', error: this.failed });
      this.send(p);
    });
  }

  /** True once the server refused (ICMP): glibc closes such a socket and opens a new one. */
  get refused(): boolean {
    return this.failed !== undefined;
  }

  close(): void {
    for (const p of [...this.pending.values()]) this.finish(p, { kind: 'error', error: 'socket closed' });
    try {
      this.socket?.close();
    } catch {
      // already closed
    }
    this.socket = undefined;
  }

  private send(p: Pending): void {
    p.tries++;
    this.socket?.send(p.buf, (err) => {
      if (err) this.onError(err as NodeJS.ErrnoException);
    });
    p.timer = setTimeout(() => {
      if (p.tries < p.maxTries) this.send(p);
      else this.finish(p, { kind: 'timeout' });
    }, p.timeoutMs);
  }

  private finish(p: Pending, a: Omit<ChannelAnswer, 'latencyMs' | 'tries'>): void {
    if (!this.pending.delete(p.id)) return;
    if (p.timer) clearTimeout(p.timer);
    p.resolve({ ...a, latencyMs: performance.now() - p.started, tries: p.tries });
  }

  private onMessage(msg: Buffer): void {
    const packet = safeDecode(msg);
    if (!packet) {
      this.ignored++;
      return;
    }
    const p = this.pending.get(packet.id as number);
    if (!p || !matchesQuestion(packet, p.id, p.q)) {
      this.ignored++;
      return;
    }
    this.finish(p, { kind: 'answer', packet });
  }

  private onError(err: NodeJS.ErrnoException): void {
    // ICMP port unreachable on a connected socket: nothing listens there.
    const refused = err.code === 'ECONNREFUSED';
    if (refused) this.failed = 'connection refused';
    for (const p of [...this.pending.values()]) this.finish(p, refused ? { kind: 'refused', error: 'connection refused' } : { kind: 'error', error: err.message });
  }
}
