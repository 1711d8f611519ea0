/** CorefileServer with a fake ServerIo (manual clock, seeded RNG, scripted upstreams; no sockets). */
import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import { CorefileServer } from '../../../../src/core/corefile/evaluate/index.js';
import type { ClusterState } from '../../../../src/core/model/k8s.js';
import type { DnsMessage } from '../../../../src/core/corefile/evaluate/index.js';
import { cluster as baseCluster, kubeadm, model } from './fixtures.js';
import { FakeServerIo, query, upstreamAnswering } from './fake-io.js';

const client = { ip: '10.245.1.20', port: 40000, proto: 'udp' as const };

function freshCluster(): ClusterState {
  return structuredClone(baseCluster);
}

describe('CorefileServer (fake ServerIo)', () => {
  it('caches a kubernetes NXDOMAIN for the SOA TTL, then it expires', async () => {
    const cluster = freshCluster();
    const io = new FakeServerIo();
    const srv = new CorefileServer(model(kubeadm), { cluster, nodeResolvers: ['192.0.2.53'] }, io);
    const first = await srv.handle(query('late.default.svc.cluster.local'), client);
    expect(first!.rcode).toBe('NXDOMAIN');
    expect(first!.authorities![0]).toMatchObject({ type: 'SOA', ttl: 30 });
    // The service appears, but the negative answer sticks for the SOA TTL (30 s).
    cluster.services.push({ namespace: 'default', name: 'late', type: 'ClusterIP', clusterIP: '10.96.9.9', ports: [{ port: 80, protocol: 'TCP' }] });
    io.clock = 12_000;
    const cached = await srv.handle(query('late.default.svc.cluster.local'), client);
    expect(cached!.rcode).toBe('NXDOMAIN');
    expect(cached!.authorities![0]!.ttl).toBe(18);
    io.clock = 30_500;
    const fresh = await srv.handle(query('late.default.svc.cluster.local'), client);
    expect(fresh!.rcode).toBe('NOERROR');
    expect(fresh!.answers![0]).toMatchObject({ type: 'A', data: '10.96.9.9', ttl: 30 });
  });

  it('reports every cache lookup (miss, success hit, denial hit) through io.observe', async () => {
    const io = new FakeServerIo();
    const events: unknown[] = [];
    io.observe = (e) => events.push(e);
    const srv = new CorefileServer(model(kubeadm), { cluster: freshCluster(), nodeResolvers: ['192.0.2.53'] }, io);
    const known = `${baseCluster.services[0]!.name}.${baseCluster.services[0]!.namespace}.svc.cluster.local`;
    await srv.handle(query(known), client);
    await srv.handle(query(known), client);
    await srv.handle(query('nobody.default.svc.cluster.local'), client);
    await srv.handle(query('nobody.default.svc.cluster.local'), client);
    expect(events.map((e) => { const x = e as { result: string; type?: string }; return x.type ? `${x.result}:${x.type}` : x.result; })).toEqual([
      'miss',
      'hit:success',
      'miss',
      'hit:denial',
    ]);
  });

  it('caches a forwarded NXDOMAIN capped by `cache 30`, and does not ask the upstream again meanwhile', async () => {
    const io = new FakeServerIo();
    io.upstreams.set('192.0.2.53:53', upstreamAnswering('198.51.100.1', 300, ['gone.example'], 600));
    const srv = new CorefileServer(model(kubeadm), { cluster: freshCluster(), nodeResolvers: ['192.0.2.53'] }, io);
    const a = await srv.handle(query('gone.example'), client);
    expect(a!.rcode).toBe('NXDOMAIN');
    expect(a!.authorities![0]!.ttl).toBe(30);
    io.clock = 29_000;
    await srv.handle(query('gone.example'), client);
    expect(io.calls).toHaveLength(1);
    io.clock = 31_000;
    const again = await srv.handle(query('gone.example'), client);
    expect(io.calls).toHaveLength(2);
    // Relayed replies keep the upstream's RA bit; CoreDNS's own answers (kubernetes) do not set it.
    expect(again!.flags! & 0x0080).toBe(0x0080);
    const own = await srv.handle(query('nginx.default.svc.cluster.local'), client);
    expect(own!.flags! & 0x0080).toBe(0);
    expect(own!.flags! & 0x0400).toBe(0x0400);
  });

  it('caches an SOA-less upstream NXDOMAIN before 1.14.5 (5 s), not since', async () => {
    const noSoa = (q: DnsMessage): DnsMessage => ({ id: q.id, type: 'response', flags: 0x8180 | 3, questions: q.questions });
    for (const [version, calls] of [['1.11.3', 1], ['1.14.7', 2]] as const) {
      const io = new FakeServerIo();
      io.upstreams.set('192.0.2.53:53', noSoa);
      const srv = new CorefileServer(model(kubeadm), { nodeResolvers: ['192.0.2.53'], corednsVersion: version }, io);
      await srv.handle(query('gone.example'), client);
      io.clock = 4_000;
      await srv.handle(query('gone.example'), client);
      expect(io.calls).toHaveLength(calls);
    }
  });

  it('does not cache SERVFAIL written by the server when every upstream fails, and retries the next upstream', async () => {
    const io = new FakeServerIo();
    const text = '.:53 {\n    forward . 192.0.2.1 192.0.2.2 {\n       policy sequential\n    }\n    cache 30\n}\n';
    const srv = new CorefileServer(model(text), {}, io);
    const r1 = await srv.handle(query('x.example'), client);
    expect(r1!.rcode).toBe('SERVFAIL');
    expect(io.calls.map((c) => c.upstream)).toEqual(['192.0.2.1:53', '192.0.2.2:53']);
    io.upstreams.set('192.0.2.2:53', upstreamAnswering('198.51.100.7'));
    const r2 = await srv.handle(query('x.example'), client);
    expect(r2!.rcode).toBe('NOERROR');
    expect(r2!.answers![0]!.data).toBe('198.51.100.7');
    expect(srv.forwardLog.filter((e) => !e.ok).length).toBe(3);
  });

  it('marks an upstream down after max_fails consecutive failures and skips it', async () => {
    const io = new FakeServerIo();
    io.upstreams.set('192.0.2.2:53', upstreamAnswering('198.51.100.7'));
    const text = '.:53 {\n    forward . 192.0.2.1 192.0.2.2 {\n       policy sequential\n       max_fails 2\n    }\n}\n';
    const srv = new CorefileServer(model(text), {}, io);
    for (let i = 0; i < 3; i++) await srv.handle(query(`n${i}.example`), client);
    const before = io.calls.filter((c) => c.upstream === '192.0.2.1:53').length;
    expect(before).toBe(3);
    await srv.handle(query('n9.example'), client);
    expect(io.calls.filter((c) => c.upstream === '192.0.2.1:53').length).toBe(3);
    // After the health-check interval (0.5 s) it is probed again; once it answers it is up.
    io.upstreams.set('192.0.2.1:53', upstreamAnswering('198.51.100.1'));
    io.clock += 600;
    expect((await srv.handle(query('n10.example'), client))!.answers![0]!.data).toBe('198.51.100.1');
    expect((await srv.handle(query('n11.example'), client))!.answers![0]!.data).toBe('198.51.100.1');
  });

  it('spreads first tries evenly over upstreams with policy random (seeded RNG)', async () => {
    const io = new FakeServerIo(42);
    const ups = ['10.53.136.11', '10.53.136.12', '223.5.5.5', '223.6.6.6'];
    for (const u of ups) io.upstreams.set(`${u}:53`, upstreamAnswering('198.51.100.1'));
    const srv = new CorefileServer(model('.:53 {\n    forward . /etc/resolv.conf\n}\n'), { nodeResolvers: ups }, io);
    const n = 2000;
    for (let i = 0; i < n; i++) await srv.handle(query(`q${i}.corp.example`), client);
    const counts = ups.map((u) => io.calls.filter((c) => c.upstream === `${u}:53`).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
    for (const c of counts) expect(Math.abs(c - n / 4)).toBeLessThan(n / 4 * 0.2);
  });

  it('rotates upstreams with policy round_robin', async () => {
    const io = new FakeServerIo();
    for (const u of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) io.upstreams.set(`${u}:53`, upstreamAnswering('198.51.100.1'));
    const srv = new CorefileServer(model('.:53 {\n    forward . 192.0.2.1 192.0.2.2 192.0.2.3 {\n        policy round_robin\n    }\n}\n'), {}, io);
    for (let i = 0; i < 6; i++) await srv.handle(query(`r${i}.example`), client);
    expect(io.calls.map((c) => c.upstream.split(':')[0]!.slice(-1)).join('')).toBe('123123');
  });

  it('follows fallthrough: hosts → kubernetes → forward', async () => {
    const io = new FakeServerIo();
    io.upstreams.set('192.0.2.53:53', upstreamAnswering('203.0.113.9'));
    const text = kubeadm.replace('    cache 30\n', '    hosts {\n        10.1.1.1 pinned.example\n        fallthrough\n    }\n    cache 30\n');
    const srv = new CorefileServer(model(text), { cluster: freshCluster(), nodeResolvers: ['192.0.2.53'] }, io);
    expect((await srv.handle(query('pinned.example'), client))!.answers![0]!.data).toBe('10.1.1.1');
    expect((await srv.handle(query('nginx.default.svc.cluster.local'), client))!.answers![0]!.data).toBe('10.96.12.7');
    expect((await srv.handle(query('elsewhere.example'), client))!.answers![0]!.data).toBe('203.0.113.9');
    // PTR of an unknown IP: kubernetes NXDOMAIN falls through in-addr.arpa to forward.
    await srv.handle(query('9.9.9.10.in-addr.arpa', 'PTR'), client);
    expect(io.calls.map((c) => c.name)).toEqual(['elsewhere.example', '9.9.9.10.in-addr.arpa']);
  });

  it('chases an ExternalName CNAME through the same listener (forwarded target)', async () => {
    const io = new FakeServerIo();
    io.upstreams.set('192.0.2.53:53', upstreamAnswering('203.0.113.44'));
    const srv = new CorefileServer(model(kubeadm), { cluster: freshCluster(), nodeResolvers: ['192.0.2.53'] }, io);
    const r = await srv.handle(query('payments.shop.svc.cluster.local'), client);
    expect(r!.answers!.map((a) => `${a.type} ${a.data}`)).toEqual(['CNAME api.payments.example', 'A 203.0.113.44']);
  });

  it('drops the query on acl drop and refuses on acl block', async () => {
    const text = '.:53 {\n    acl {\n        drop net 10.9.0.0/16\n        block type AAAA\n    }\n    whoami\n}\n';
    const srv = new CorefileServer(model(text), {}, new FakeServerIo());
    expect(await srv.handle(query('x.example'), { ...client, ip: '10.9.1.1' })).toBeNull();
    expect((await srv.handle(query('x.example', 'AAAA'), client))!.rcode).toBe('REFUSED');
    expect((await srv.handle(query('x.example'), client))!.additionals![0]!.data).toBe('10.245.1.20');
  });

  it('loadbalance shuffles A records with the injected RNG', async () => {
    const text = '.:53 {\n    hosts {\n        10.0.0.1 multi.example\n        10.0.0.2 multi.example\n        10.0.0.3 multi.example\n    }\n    loadbalance\n}\n';
    const srv = new CorefileServer(model(text), {}, new FakeServerIo(7));
    const orders = new Set<string>();
    for (let i = 0; i < 30; i++) orders.add((await srv.handle(query('multi.example'), client))!.answers!.map((a) => a.data).join(','));
    expect(orders.size).toBeGreaterThan(1);
    for (const o of orders) expect(o.split(',').sort()).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('hands over to the next forward on `next NXDOMAIN`', async () => {
    const io = new FakeServerIo();
    io.upstreams.set('192.0.2.1:53', upstreamAnswering('1.1.1.1', 300, ['only-second.example']));
    io.upstreams.set('192.0.2.2:53', upstreamAnswering('2.2.2.2'));
    const text = '.:53 {\n    forward . 192.0.2.1 {\n        next NXDOMAIN\n    }\n    forward . 192.0.2.2\n}\n';
    const srv = new CorefileServer(model(text), {}, io);
    expect((await srv.handle(query('only-second.example'), client))!.answers![0]!.data).toBe('2.2.2.2');
    expect((await srv.handle(query('first.example'), client))!.answers![0]!.data).toBe('1.1.1.1');
  });

  it('restores the question and answer names after a rewrite, and its reply encodes with dns-packet', async () => {
    const text = '.:53 {\n    rewrite name exact db.internal nginx.default.svc.cluster.local\n    kubernetes cluster.local\n}\n';
    const srv = new CorefileServer(model(text), { cluster: freshCluster() }, new FakeServerIo());
    const r = await srv.handle(query('db.internal'), client);
    expect(r!.questions![0]!.name).toBe('db.internal');
    expect(r!.answers![0]).toMatchObject({ name: 'db.internal', data: '10.96.12.7' });
    const wire = dnsPacket.decode(dnsPacket.encode(r as dnsPacket.Packet));
    expect((wire as { rcode?: string }).rcode).toBe('NOERROR');
    expect(wire.flag_aa).toBe(true);
    expect((wire.answers![0] as { data: string }).data).toBe('10.96.12.7');
  });

  it('answers REFUSED when no block serves the name', async () => {
    const srv = new CorefileServer(model('cluster.local:53 {\n    kubernetes\n}\n'), { cluster: freshCluster() }, new FakeServerIo());
    expect((await srv.handle(query('google.com'), client))!.rcode).toBe('REFUSED');
  });
});

describe('CorefileServer UDP size limit (fake ServerIo)', () => {
  const many = Array.from({ length: 60 }, (_, i) => `        10.0.${i >> 8}.${i & 255} big.example`).join('\n');
  const text = `.:53 {\n    hosts {\n${many}\n    }\n}\n`;
  let udpLimitAnswers = 0;

  it('truncates a reply larger than 512 bytes over UDP without EDNS and sets TC; TCP gets everything', async () => {
    const srv = new CorefileServer(model(text), {}, new FakeServerIo());
    const udpReply = await srv.handle(query('big.example'), client);
    udpLimitAnswers = udpReply!.answers!.length;
    expect(udpReply!.flags! & 0x0200).toBe(0x0200);
    expect(udpReply!.answers!.length).toBeLessThan(60);
    expect(dnsPacket.encode(udpReply as dnsPacket.Packet).length).toBeLessThanOrEqual(512);
    const tcpReply = await srv.handle(query('big.example'), { ...client, proto: 'tcp' });
    expect(tcpReply!.answers).toHaveLength(60);
    expect(tcpReply!.flags! & 0x0200).toBe(0);
  });

  it('honours the EDNS buffer size', async () => {
    const srv = new CorefileServer(model(text), {}, new FakeServerIo());
    const edns = (size: number) => ({ ...query('big.example'), additionals: [{ name: '.', type: 'OPT', udpPayloadSize: size, flags: 0 }] });
    const big = await srv.handle(edns(4096), client);
    expect(big!.answers).toHaveLength(60);
    expect(big!.flags! & 0x0200).toBe(0);
    const mid = await srv.handle(edns(1232), client);
    expect(mid!.flags! & 0x0200).toBe(0x0200);
    expect(mid!.answers!.length).toBeGreaterThan(udpLimitAnswers);
    expect(dnsPacket.encode(mid as dnsPacket.Packet).length).toBeLessThanOrEqual(1232);
  });
});

describe('CorefileServer serve_stale (fake ServerIo)', () => {
  it('serves an expired entry with TTL 0 while the upstream is down, and refreshes it in the background', async () => {
    const io = new FakeServerIo();
    io.upstreams.set('192.0.2.1:53', upstreamAnswering('198.51.100.1', 300));
    const text = '.:53 {\n    forward . 192.0.2.1\n    cache 30 {\n        serve_stale 1h\n    }\n}\n';
    const srv = new CorefileServer(model(text), {}, io);
    expect((await srv.handle(query('app.example'), client))!.answers![0]).toMatchObject({ data: '198.51.100.1', ttl: 30 });
    io.upstreams.delete('192.0.2.1:53');
    io.clock = 40_000;
    const stale = await srv.handle(query('app.example'), client);
    expect(stale!.answers![0]).toMatchObject({ data: '198.51.100.1', ttl: 0 });
    await new Promise((r) => setImmediate(r));
    expect(io.calls).toHaveLength(2); // the background refresh tried (and failed)
    io.upstreams.set('192.0.2.1:53', upstreamAnswering('198.51.100.2', 300));
    io.clock = 50_000;
    expect((await srv.handle(query('app.example'), client))!.answers![0]!.data).toBe('198.51.100.1');
    await new Promise((r) => setImmediate(r));
    expect((await srv.handle(query('app.example'), client))!.answers![0]).toMatchObject({ data: '198.51.100.2', ttl: 30 });
  });

  it('without serve_stale an expired entry is a miss', async () => {
    const io = new FakeServerIo();
    io.upstreams.set('192.0.2.1:53', upstreamAnswering('198.51.100.1', 300));
    const srv = new CorefileServer(model('.:53 {\n    forward . 192.0.2.1\n    cache 30\n}\n'), {}, io);
    await srv.handle(query('app.example'), client);
    io.upstreams.delete('192.0.2.1:53');
    io.clock = 40_000;
    expect((await srv.handle(query('app.example'), client))!.rcode).toBe('SERVFAIL');
  });
});
