/**
 * The agreement runs' DNS server: answers on UDP and TCP port 53 of some addresses as a case says
 * (an address, NXDOMAIN, NODATA, SERVFAIL, REFUSED, no answer at all, or a truncated UDP reply with
 * the full answer over TCP) and logs every query it receives with its time, transport, flags and
 * source port, so a real libc's behaviour can be compared with the model's.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { FrameReader, frame } from '../net/dns-framing.js';

/** What a server does with one query. */
export type Reply = { kind: 'answer' | 'truncate'; address: string } | { kind: 'nxdomain' | 'nodata' | 'servfail' | 'refused' | 'drop' };

/** One query as the server saw it. */
export interface LoggedQuery {
  atMs: number;
  server: string;
  proto: 'udp' | 'tcp';
  qname: string;
  qtype: string;
  edns: boolean;
  ad: boolean;
  srcPort: number;
}

export type Behaviour = (server: string, qname: string, qtype: string, proto: 'udp' | 'tcp') => Reply;

const rcodes = { nxdomain: 3, servfail: 2, refused: 5 } as const;

function respond(query: dnsPacket.DecodedPacket, reply: Reply, proto: 'udp' | 'tcp'): Buffer | null {
  const q = query.questions?.[0];
  if (!q || reply.kind === 'drop') return null;
  const rd = (query.flags ?? 0) & 0x0100;
  let flags = 0x8000 | 0x0400 | 0x0080 | rd;
  let answers: dnsPacket.Answer[] = [];
  const soa: dnsPacket.Answer = { type: 'SOA', name: 'example.', ttl: 30, data: { mname: 'ns.example.', rname: 'h.example.', serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 30 } } as dnsPacket.Answer;
  let authorities: dnsPacket.Answer[] = [];
  if (reply.kind === 'answer' && q.type === 'A') answers = [{ type: 'A', name: q.name, ttl: 30, data: reply.address }];
  else if (reply.kind === 'answer' || reply.kind === 'nodata') authorities = [soa];
  else if (reply.kind === 'nxdomain') {
    flags |= rcodes.nxdomain;
    authorities = [soa];
  } else if (reply.kind === 'servfail' || reply.kind === 'refused') flags |= rcodes[reply.kind];
  if (reply.kind === 'truncate') {
    if (proto === 'udp') {
      flags |= 0x0200;
    } else if (q.type === 'A') answers = [{ type: 'A', name: q.name, ttl: 30, data: reply.address }];
    else authorities = [soa];
  }
  return dnsPacket.encode({ id: query.id, type: 'response', flags, questions: [q], answers, authorities });
}

export class LoggingServer {
  readonly log: LoggedQuery[] = [];
  private readonly closers: (() => void)[] = [];
  private t0 = performance.now();

  constructor(private readonly behaviour: Behaviour) {}

  /** Starts the clock the log's atMs counts from. */
  resetClock(): void {
    this.t0 = performance.now();
    this.log.length = 0;
  }

  private record(server: string, proto: 'udp' | 'tcp', msg: Buffer, srcPort: number): dnsPacket.DecodedPacket | undefined {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
    const q = query.questions?.[0];
    if (!q) return undefined;
    this.log.push({
      atMs: Math.round(performance.now() - this.t0),
      server,
      proto,
      qname: q.name.toLowerCase(),
      qtype: q.type,
      edns: (query.additionals ?? []).some((a) => a.type === 'OPT'),
      ad: ((query.flags ?? 0) & 0x0020) !== 0,
      srcPort,
    });
    return query;
  }

  async listen(ip: string): Promise<void> {
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      const query = this.record(ip, 'udp', msg, rinfo.port);
      const q = query?.questions?.[0];
      if (!query || !q) return;
      const out = respond(query, this.behaviour(ip, q.name.toLowerCase(), q.type, 'udp'), 'udp');
      if (out) udp.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: ip, port: 53 }, () => resolve());
    });
    const tcp = net.createServer((sock) => {
      sock.on('error', () => {});
      const reader = new FrameReader();
      sock.on('data', (chunk) => {
        for (const msg of reader.push(chunk)) {
          const query = this.record(ip, 'tcp', msg, sock.remotePort ?? 0);
          const q = query?.questions?.[0];
          if (!query || !q) continue;
          const out = respond(query, this.behaviour(ip, q.name.toLowerCase(), q.type, 'tcp'), 'tcp');
          if (out) sock.write(frame(out));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ host: ip, port: 53 }, () => resolve());
    });
    this.closers.push(() => udp.close(), () => tcp.close());
  }

  close(): void {
    for (const c of this.closers) c();
  }
}
