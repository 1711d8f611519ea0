import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDns, toDnsQueryEvidence } from '../../../src/probes/dns/dns-client.js';
import { type FakeServer, mapNetwork, reply, startFakeDns } from './helpers/fake-dns-server.js';
import { type UnboundServer, startUnbound } from './helpers/unbound.js';

const zone = [
  'local-zone: "cluster.local." static',
  'local-data: "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30"',
  'local-data: "api.default.svc.cluster.local. 30 IN A 10.96.0.20"',
  'local-data: "multi.default.svc.cluster.local. 10 IN A 10.0.0.1"',
  'local-data: "multi.default.svc.cluster.local. 20 IN A 10.0.0.2"',
  'local-data: "v6.default.svc.cluster.local. 30 IN AAAA fd00::1"',
];

let unbound: UnboundServer;
beforeAll(async () => {
  unbound = await startUnbound(zone);
});
afterAll(async () => {
  await unbound?.stop();
});

describe('queryDns against a real unbound', () => {
  it('gets an A answer over UDP with EDNS, and maps onto DnsQueryEvidence', async () => {
    const r = await queryDns({ ip: unbound.host, port: unbound.port }, 'api.default.svc.cluster.local', 'A');
    expect(r).toMatchObject({ outcome: 'answer', rcode: 'NOERROR', aa: true, transport: 'udp', tries: 1, ttl: 30 });
    expect(r.answers).toEqual([{ name: 'api.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.20' }]);
    const ev = toDnsQueryEvidence(r, { id: 'e1', from: { kind: 'worker' }, at: '2026-01-01T00:00:00Z', role: 'upstream', label: 'unbound' });
    expect(ev).toMatchObject({ kind: 'dns-query', resolver: { ip: unbound.host, port: unbound.port, role: 'upstream', label: 'unbound' }, outcome: 'answer', rcode: 'NOERROR', qname: 'api.default.svc.cluster.local' });
  });

  it('reports NXDOMAIN with the zone SOA in authority and its TTL', async () => {
    const r = await queryDns({ ip: unbound.host, port: unbound.port }, 'nope.default.svc.cluster.local.', 'A');
    expect(r).toMatchObject({ outcome: 'answer', rcode: 'NXDOMAIN', answers: [], ttl: 30 });
    expect(r.authority[0]).toMatchObject({ type: 'SOA', name: 'cluster.local.', data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30' });
  });

  it('reports REFUSED for names outside its zones as an answer with rcode REFUSED', async () => {
    const r = await queryDns({ ip: unbound.host, port: unbound.port }, 'example.org', 'A');
    expect(r).toMatchObject({ outcome: 'answer', rcode: 'REFUSED' });
  });

  it('asks over TCP on request, with the minimum TTL of several answers', async () => {
    const r = await queryDns({ ip: unbound.host, port: unbound.port }, 'multi.default.svc.cluster.local', 'A', { transport: 'tcp' });
    expect(r).toMatchObject({ outcome: 'answer', transport: 'tcp', rcode: 'NOERROR', ttl: 10 });
    expect(r.answers.map((a) => a.data).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('gets AAAA answers', async () => {
    const r = await queryDns({ ip: unbound.host, port: unbound.port }, 'v6.default.svc.cluster.local', 'AAAA');
    expect(r.answers[0]?.data).toBe('fd00::1');
  });

  it('dials through the NetworkPosition: the cluster address is what the result reports', async () => {
    const network = mapNetwork({ '10.96.0.10': { host: unbound.host, port: unbound.port } });
    const r = await queryDns({ ip: '10.96.0.10' }, 'api.default.svc.cluster.local', 'A', { network });
    expect(r).toMatchObject({ server: { ip: '10.96.0.10', port: 53 }, outcome: 'answer' });
    const t = await queryDns({ ip: '10.96.0.10' }, 'api.default.svc.cluster.local', 'A', { network, transport: 'tcp' });
    expect(t).toMatchObject({ server: { ip: '10.96.0.10', port: 53 }, outcome: 'answer', transport: 'tcp' });
  });
});

describe('queryDns against small loopback servers', () => {
  const servers: FakeServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });
  const start = async (...args: Parameters<typeof startFakeDns>): Promise<FakeServer> => {
    const s = await startFakeDns(...args);
    servers.push(s);
    return s;
  };

  it('sends EDNS0 with a 1232-byte payload, RD set, and a fresh id and source port per query', async () => {
    let opt: unknown;
    const s = await start((q) => {
      opt = q.additionals?.find((a) => a.type === 'OPT');
      return reply(q, 'NOERROR', [{ type: 'A', name: q.questions![0]!.name, ttl: 5, data: '10.1.1.1' }]);
    });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await queryDns({ ip: s.host, port: s.port }, 'x.example', 'A'));
    expect(results.every((r) => r.outcome === 'answer')).toBe(true);
    expect(opt).toMatchObject({ udpPayloadSize: 1232 });
    expect(new Set(s.seen.map((q) => q.id)).size).toBeGreaterThan(1);
    expect(new Set(s.seen.map((q) => q.fromPort)).size).toBeGreaterThan(1);
  });

  it('sends without EDNS when asked', async () => {
    let additionals = -1;
    const s = await start((q) => {
      additionals = q.additionals?.length ?? 0;
      return reply(q, 'NOERROR');
    });
    await queryDns({ ip: s.host, port: s.port }, 'x.example', 'A', { edns: false });
    expect(additionals).toBe(0);
  });

  it('binds to the source identity the NetworkPosition gives', async () => {
    const s = await start((q) => reply(q, 'NOERROR'));
    const network = { ...mapNetwork({ '10.96.0.10': { host: s.host, port: s.port } }), bindAddress: (ip: string | undefined) => (ip === '10.244.1.5' ? '127.0.0.77' : undefined) };
    const r = await queryDns({ ip: '10.96.0.10' }, 'x.example', 'A', { network, sourceIp: '10.244.1.5' });
    expect(r.source).toBe('10.244.1.5');
    expect(s.seen.at(-1)?.fromAddress).toBe('127.0.0.77');
  });

  it('retries after the per-try timeout and reports a timeout when nothing answers', async () => {
    const s = await start(() => null);
    const r = await queryDns({ ip: s.host, port: s.port }, 'drop.example', 'A', { timeoutMs: 60, tries: 3 });
    expect(r).toMatchObject({ outcome: 'timeout', tries: 3, answers: [] });
    expect(s.seen).toHaveLength(3);
    // glibc-like: the same question (same id) is re-sent on the same socket.
    expect(new Set(s.seen.map((q) => q.id)).size).toBe(1);
  });

  it('accepts the answer to a retry when the first datagram was lost', async () => {
    let n = 0;
    const s = await start((q) => (n++ === 0 ? null : reply(q, 'NOERROR', [{ type: 'A', name: 'late.example', ttl: 1, data: '10.2.2.2' }])));
    const r = await queryDns({ ip: s.host, port: s.port }, 'late.example', 'A', { timeoutMs: 150, tries: 3 });
    expect(r).toMatchObject({ outcome: 'answer' });
    expect(r.tries).toBeGreaterThanOrEqual(2);
    // The retry waited one try's timeout. libuv arms timers from the loop's cached clock, which can be a
    // millisecond or two older than the send time, so the measured wait may come out just under 150.
    expect(r.latencyMs).toBeGreaterThanOrEqual(145);
  });

  it('reports ICMP port unreachable as outcome refused', async () => {
    const tmp = createSocket('udp4');
    await new Promise<void>((res) => tmp.bind(0, '127.0.0.1', () => res()));
    const port = tmp.address().port;
    await new Promise<void>((res) => tmp.close(() => res()));
    const r = await queryDns({ ip: '127.0.0.1', port }, 'x.example', 'A', { timeoutMs: 500 });
    expect(r).toMatchObject({ outcome: 'refused', error: 'connection refused' });
    const t = await queryDns({ ip: '127.0.0.1', port }, 'x.example', 'A', { timeoutMs: 500, transport: 'tcp' });
    expect(t).toMatchObject({ outcome: 'refused', transport: 'tcp' });
  });

  it('ignores replies with a wrong id, name, type, class or without QR, and garbage; accepts the matching one (qname case-insensitive)', async () => {
    const s = await start((q) => {
      const name = q.questions![0]!.name;
      const a = (data: string) => [{ type: 'A' as const, name, ttl: 1, data }];
      const asked = (questions: object[]) => ({ ...q, questions }) as typeof q;
      return [
        { ...reply(q, 'NOERROR', a('10.9.9.1')), id: ((q.id ?? 0) + 1) % 65536 },
        reply(asked([{ name: `other.${name}`, type: 'A', class: 'IN' }]), 'NOERROR', a('10.9.9.2')),
        reply(asked([{ name, type: 'AAAA', class: 'IN' }]), 'NOERROR', a('10.9.9.3')),
        reply(asked([{ name, type: 'A', class: 'CH' }]), 'NOERROR', a('10.9.9.4')),
        { ...reply(q, 'NOERROR', a('10.9.9.5')), type: 'query' as const, flags: 0 },
        Buffer.from([1, 2, 3]),
        reply(asked([{ name: name.toUpperCase(), type: 'A', class: 'IN' }]), 'NOERROR', a('10.7.7.7')),
      ];
    });
    const r = await queryDns({ ip: s.host, port: s.port }, 'Match.Example', 'A', { timeoutMs: 1000, tries: 1 });
    expect(r).toMatchObject({ outcome: 'answer', answers: [{ data: '10.7.7.7' }] });
  });

  it('times out when only mismatched replies arrive', async () => {
    const s = await start((q) => ({ ...reply(q, 'NOERROR'), id: ((q.id ?? 0) + 1) % 65536 }));
    const r = await queryDns({ ip: s.host, port: s.port }, 'x.example', 'A', { timeoutMs: 80, tries: 1 });
    expect(r.outcome).toBe('timeout');
  });

  it('re-asks over TCP when the UDP reply is truncated', async () => {
    const s = await start(
      (q, proto) => {
        const name = q.questions![0]!.name;
        return reply(q, 'NOERROR', proto === 'udp' ? [] : [{ type: 'A', name, ttl: 7, data: '10.3.3.3' }], proto === 'udp' ? 0x0200 : 0);
      },
      { tcp: true },
    );
    const r = await queryDns({ ip: s.host, port: s.port }, 'big.example', 'A');
    expect(r).toMatchObject({ outcome: 'answer', transport: 'tcp', tc: false, tries: 2, answers: [{ data: '10.3.3.3' }] });
    expect(s.seen.map((q) => (q.fromPort === -1 ? 'tcp' : 'udp'))).toEqual(['udp', 'tcp']);
    const kept = await queryDns({ ip: s.host, port: s.port }, 'big.example', 'A', { tcpOnTruncation: false });
    expect(kept).toMatchObject({ transport: 'udp', tc: true, answers: [] });
  });

  it('reports a TCP server that never answers as a timeout', async () => {
    const silent = await start(() => null, { tcp: true });
    const r = await queryDns({ ip: silent.host, port: silent.port }, 'x.example', 'A', { transport: 'tcp', timeoutMs: 80, tries: 1 });
    expect(r).toMatchObject({ outcome: 'timeout', transport: 'tcp' });
  });
});
