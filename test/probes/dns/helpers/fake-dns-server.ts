/**
 * Small loopback UDP/TCP DNS servers for behaviour a real resolver will not show on demand:
 * dropping, REFUSED, SERVFAIL, garbage. Each records what it received (name, type, time).
 */
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { type DecodedPacket, decode, encode, type Packet } from 'dns-packet';

export interface SeenQuery {
  name: string;
  type: string;
  id: number;
  at: number;
  fromPort: number;
  fromAddress: string;
}

/** What to do with a query: reply packets or raw bytes (one or several, sent in order), or null to drop it. */
export type Handler = (q: DecodedPacket, proto: 'udp' | 'tcp') => Packet | Buffer | (Packet | Buffer)[] | null;

function outputs(out: Packet | Buffer | (Packet | Buffer)[]): Buffer[] {
  return (Array.isArray(out) ? out : [out]).map((o) => (Buffer.isBuffer(o) ? o : encode(o)));
}

export interface FakeServer {
  host: string;
  port: number;
  seen: SeenQuery[];
  stop(): Promise<void>;
}

/** A reply to `q` with the given rcode and answers. */
export function reply(q: DecodedPacket, rcode: string, answers: Packet['answers'] = [], flags = 0): Packet {
  return { type: 'response', id: q.id, flags: flags | (rcodeNumber(rcode) & 0xf) | 0x0100 | 0x0080, questions: q.questions, answers } as Packet;
}

function rcodeNumber(r: string): number {
  return ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'].indexOf(r);
}

/** Starts a UDP server on host (default 127.0.0.1), random port. Also listens on TCP with the same port when `tcp` is set. */
export async function startFakeDns(handler: Handler, opts: { host?: string; tcp?: boolean } = {}): Promise<FakeServer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(handler, opts);
    } catch (err) {
      if (attempt >= 4) throw err;
    }
  }
}

async function startOnce(handler: Handler, opts: { host?: string; tcp?: boolean }): Promise<FakeServer> {
  const host = opts.host ?? '127.0.0.1';
  const sock = createSocket('udp4');
  const seen: SeenQuery[] = [];
  const t0 = performance.now();
  sock.on('message', (msg, rinfo) => {
    let q: DecodedPacket;
    try {
      q = decode(msg);
    } catch {
      return;
    }
    const qq = q.questions?.[0];
    seen.push({ name: qq?.name ?? '', type: qq?.type ?? '', id: q.id ?? 0, at: performance.now() - t0, fromPort: rinfo.port, fromAddress: rinfo.address });
    const out = handler(q, 'udp');
    if (out === null) return;
    for (const b of outputs(out)) sock.send(b, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, host, () => resolve()));
  const port = sock.address().port;
  let tcp: Server | undefined;
  if (opts.tcp) {
    tcp = createServer((c) => {
      let buf = Buffer.alloc(0);
      c.on('error', () => undefined);
      c.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const len = buf.readUInt16BE(0);
          const q = decode(buf.subarray(2, 2 + len));
          buf = buf.subarray(2 + len);
          const qq = q.questions?.[0];
          seen.push({ name: qq?.name ?? '', type: qq?.type ?? '', id: q.id ?? 0, at: performance.now() - t0, fromPort: -1, fromAddress: c.remoteAddress ?? '' });
          const out = handler(q, 'tcp');
          if (out === null) continue;
          for (const body of outputs(out)) {
            const frame = Buffer.alloc(body.length + 2);
            frame.writeUInt16BE(body.length, 0);
            body.copy(frame, 2);
            c.write(frame);
          }
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      tcp!.once('error', (err) => {
        sock.close();
        reject(err);
      });
      tcp!.listen(port, host, () => resolve());
    });
  }
  return {
    host,
    port,
    seen,
    stop: async () => {
      sock.close();
      if (tcp) await new Promise<void>((resolve) => tcp!.close(() => resolve()));
    },
  };
}

/** A NetworkPosition that maps cluster IPs to test servers (resolv.conf has no port). */
export function mapNetwork(map: Record<string, { host: string; port: number }>) {
  return {
    dial: (ip: string, port: number) => map[ip] ?? { host: ip, port },
    bindAddress: () => undefined,
    reverse: (host: string, port: number) => {
      const hit = Object.entries(map).find(([, v]) => v.host === host && v.port === port);
      return hit ? { ip: hit[0], port: 53 } : { ip: host, port };
    },
  };
}
