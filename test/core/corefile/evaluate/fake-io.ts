/** A fake ServerIo for CorefileServer tests: manual clock, seeded RNG, scripted upstreams (no sockets). */
import type { DnsMessage, ServerIo } from '../../../../src/core/corefile/evaluate/index.js';
import type { ServerEvent } from '../../../../src/core/corefile/evaluate/server.js';

/** mulberry32: small seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type UpstreamHandler = (q: DnsMessage, proto: 'udp' | 'tcp') => DnsMessage | Promise<DnsMessage>;

/** Fake I/O: `clock` is advanced by tests; `upstreams` maps "ip:port" to a handler (missing = timeout). */
export class FakeServerIo implements ServerIo {
  clock = 0;
  forwardDeadlineMs?: number;
  readonly calls: { upstream: string; name: string; type: string; proto: string }[] = [];
  readonly upstreams = new Map<string, UpstreamHandler>();
  observe?: (event: ServerEvent) => void;
  private readonly rng: () => number;

  constructor(seed = 1) {
    this.rng = seededRandom(seed);
  }

  now(): number {
    return this.clock;
  }

  random(): number {
    return this.rng();
  }

  async exchange(upstream: { ip: string; port: number }, query: DnsMessage, proto: 'udp' | 'tcp'): Promise<DnsMessage> {
    const key = `${upstream.ip}:${upstream.port}`;
    const q = query.questions![0]!;
    this.calls.push({ upstream: key, name: q.name, type: q.type, proto });
    const h = this.upstreams.get(key);
    if (!h) throw new Error(`timeout talking to ${key}`);
    return h(query, proto);
  }
}

/** A query message in dns-packet shape. */
export function query(name: string, type = 'A', id = 1): DnsMessage {
  return { id, type: 'query', flags: 0x0100, questions: [{ name, type, class: 'IN' }] };
}

/** An upstream that answers A queries with `ip` (TTL `ttl`) and NXDOMAIN (SOA TTL `soaTtl`) for names in `missing`. */
export function upstreamAnswering(ip: string, ttl = 300, missing: string[] = [], soaTtl = 600): UpstreamHandler {
  return (q) => {
    const qq = q.questions![0]!;
    if (missing.includes(qq.name)) {
      return {
        id: q.id, type: 'response', flags: 0x8180 | 3, questions: q.questions,
        authorities: [{ name: 'example.', type: 'SOA', class: 'IN', ttl: soaTtl, data: { mname: 'ns.example', rname: 'host.example', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 60 } }],
      };
    }
    return { id: q.id, type: 'response', flags: 0x8180, questions: q.questions, answers: [{ name: qq.name, type: 'A', class: 'IN', ttl, data: ip }] };
  };
}
