/**
 * The stub resolver with real packets: a real unbound for answers and NXDOMAIN, small loopback
 * servers for drops, REFUSED and SERVFAIL. Nameserver IPs of the resolv.conf are mapped to the
 * test servers' ports by a tiny NetworkPosition (resolv.conf has no port).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResolvConf } from '../../../src/core/resolver/resolv-conf.js';
import { lookup } from '../../../src/probes/dns/stub-resolver.js';
import { type FakeServer, mapNetwork, reply, startFakeDns } from './helpers/fake-dns-server.js';
import { type UnboundServer, startUnbound } from './helpers/unbound.js';

let unbound: UnboundServer;
let dropper: FakeServer;
let refuser: FakeServer;
let servfailer: FakeServer;
let network: ReturnType<typeof mapNetwork>;

beforeAll(async () => {
  unbound = await startUnbound([
    'local-zone: "cluster.local." static',
    'local-data: "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30"',
    'local-data: "api.default.svc.cluster.local. 30 IN A 10.96.0.20"',
    'local-zone: "example.com." static',
    'local-data: "example.com. 60 IN SOA ns.example.com. hostmaster.example.com. 1 7200 1800 86400 60"',
    'local-data: "s3.example.com. 60 IN A 203.0.113.9"',
  ]);
  dropper = await startFakeDns(() => null);
  refuser = await startFakeDns((q) => reply(q, 'REFUSED'));
  servfailer = await startFakeDns((q) => reply(q, 'SERVFAIL'));
  network = mapNetwork({
    '10.96.0.10': { host: unbound.host, port: unbound.port },
    '10.0.0.66': { host: dropper.host, port: dropper.port },
    '10.0.0.77': { host: refuser.host, port: refuser.port },
    '10.0.0.88': { host: servfailer.host, port: servfailer.port },
  });
});
afterAll(async () => {
  await Promise.all([unbound?.stop(), dropper?.stop(), refuser?.stop(), servfailer?.stop()]);
});

const k8s = (ns: string, extra = '') => parseResolvConf(`search default.svc.cluster.local svc.cluster.local cluster.local\n${ns}options ndots:5 ${extra}\n`);

describe('lookup (glibc) against unbound', () => {
  it('resolves a short service name through the first search suffix: A answered, AAAA NODATA, two queries', async () => {
    const r = await lookup('api', k8s('nameserver 10.96.0.10\n'), { libc: 'glibc', network });
    expect(r.result).toMatchObject({ ok: true, addresses: ['10.96.0.20'], finalName: 'api.default.svc.cluster.local.', answeredBy: '10.96.0.10' });
    expect(r.queries.map((q) => [q.qname, q.qtype, q.rcode])).toEqual([
      ['api.default.svc.cluster.local.', 'A', 'NOERROR'],
      ['api.default.svc.cluster.local.', 'AAAA', 'NOERROR'],
    ]);
    expect(r.queries[0]!.answers).toEqual(['10.96.0.20']);
  });

  it('s3.example.com with ndots:5: three NXDOMAIN pairs through the search list, then the answer (the order real getent sends them)', async () => {
    const r = await lookup('s3.example.com', k8s('nameserver 10.96.0.10\n'), { libc: 'glibc', network });
    expect(r.queries.map((q) => `${q.qtype} ${q.qname} ${q.rcode}`)).toEqual([
      'A s3.example.com.default.svc.cluster.local. NXDOMAIN',
      'AAAA s3.example.com.default.svc.cluster.local. NXDOMAIN',
      'A s3.example.com.svc.cluster.local. NXDOMAIN',
      'AAAA s3.example.com.svc.cluster.local. NXDOMAIN',
      'A s3.example.com.cluster.local. NXDOMAIN',
      'AAAA s3.example.com.cluster.local. NXDOMAIN',
      'A s3.example.com. NOERROR',
      'AAAA s3.example.com. NOERROR',
    ]);
    expect(r.result).toMatchObject({ ok: true, addresses: ['203.0.113.9'] });
    expect(r.queries.map((q) => q.atMs)).toEqual([...r.queries.map((q) => q.atMs)].sort((a, b) => a - b));
  });

  it('a trailing dot sends only the name itself; an unknown name ends NXDOMAIN after the whole list', async () => {
    const dotted = await lookup('s3.example.com.', k8s('nameserver 10.96.0.10\n'), { libc: 'glibc', network });
    expect(dotted.queries.map((q) => q.qname)).toEqual(['s3.example.com.', 's3.example.com.']);
    const missing = await lookup('nope.example.com', k8s('nameserver 10.96.0.10\n'), { libc: 'glibc', network });
    expect(missing.result).toMatchObject({ ok: false, error: 'NXDOMAIN' });
    expect(new Set(missing.queries.map((q) => q.qname)).size).toBe(4);
    // unbound refuses the root zone: the bare single label ends REFUSED after its retries, as glibc reports it.
    const bare = await lookup('nope', k8s('nameserver 10.96.0.10\n'), { libc: 'glibc', network });
    expect(bare.result).toMatchObject({ ok: false, error: 'REFUSED' });
    expect(bare.queries.filter((q) => q.qname === 'nope.' && q.qtype === 'A')).toHaveLength(2);
  });

  it('answers from the hosts file first (hostAliases), sending nothing', async () => {
    const r = await lookup('s3.example.com', k8s('nameserver 10.96.0.10\n'), { libc: 'glibc', network, hosts: '127.0.0.1 localhost\n10.1.2.3 s3.example.com s3\n' });
    expect(r).toMatchObject({ queries: [], result: { ok: true, addresses: ['10.1.2.3'], answeredBy: 'hosts-file' } });
  });
});

describe('lookup (glibc) against misbehaving servers, timeouts shrunk', () => {
  it('a dropping server: the first search name twice, then the bare name twice; libc-equivalent 4 s', async () => {
    const r = await lookup('s3.example.com', k8s('nameserver 10.0.0.66\n', 'timeout:1 attempts:2'), { libc: 'glibc', network, timeoutScale: 0.05, minTryMs: 30 });
    expect(r.queries.map((q) => `${q.atMs} ${q.qtype} ${q.qname} ${q.outcome}`)).toEqual([
      '0 A s3.example.com.default.svc.cluster.local. timeout',
      '0 AAAA s3.example.com.default.svc.cluster.local. timeout',
      '1000 A s3.example.com.default.svc.cluster.local. timeout',
      '1000 AAAA s3.example.com.default.svc.cluster.local. timeout',
      '2000 A s3.example.com. timeout',
      '2000 AAAA s3.example.com. timeout',
      '3000 A s3.example.com. timeout',
      '3000 AAAA s3.example.com. timeout',
    ]);
    expect(r).toMatchObject({ totalMs: 4000, timeoutScale: 0.05, result: { ok: false, error: 'TIMEOUT' } });
    expect(r.probeMs).toBeLessThan(r.totalMs);
  });

  it('first nameserver drops, second answers: every name loses one try at the first (measured)', async () => {
    const r = await lookup('s3.example.com', k8s('nameserver 10.0.0.66\nnameserver 10.96.0.10\n', 'timeout:1 attempts:2'), { libc: 'glibc', network, timeoutScale: 0.25 });
    expect(r.result.ok).toBe(true);
    expect(r.queries.filter((q) => q.server === '10.0.0.66')).toHaveLength(8);
    expect(r.queries.filter((q) => q.outcome === 'timeout')).toHaveLength(8);
    expect(r.totalMs).toBeGreaterThanOrEqual(4000);
  });

  it('REFUSED: re-sent, then the search list is abandoned for the bare name', async () => {
    const r = await lookup('api', k8s('nameserver 10.0.0.77\n', 'timeout:1 attempts:2'), { libc: 'glibc', network });
    expect(r.queries.filter((q) => q.qtype === 'A').map((q) => q.qname)).toEqual(['api.default.svc.cluster.local.', 'api.default.svc.cluster.local.', 'api.', 'api.']);
    expect(r.result).toMatchObject({ ok: false, error: 'REFUSED' });
  });

  it('SERVFAIL: each name tried attempts times, the whole search list walked, ends SERVFAIL', async () => {
    const r = await lookup('api', k8s('nameserver 10.0.0.88\n', 'attempts:1'), { libc: 'glibc', network });
    expect(new Set(r.queries.map((q) => q.qname)).size).toBe(4);
    expect(r.result.error).toBe('SERVFAIL');
  });

  it('a port nothing listens on: ICMP refusal ends the lookup as CONNREFUSED', async () => {
    const closed = mapNetwork({ '10.0.0.99': { host: '127.0.0.1', port: 1 } });
    const r = await lookup('api', k8s('nameserver 10.0.0.99\n'), { libc: 'glibc', network: closed });
    expect(r.result).toMatchObject({ ok: false, error: 'CONNREFUSED' });
    expect(r.queries.every((q) => q.outcome === 'refused')).toBe(true);
  });

  it('single-request-reopen sends A and AAAA from different source ports; the default shares one socket', async () => {
    const seen = await startFakeDns((q) => reply(q, 'NXDOMAIN'));
    const net = mapNetwork({ '10.0.0.55': { host: seen.host, port: seen.port } });
    await lookup('x.example.', parseResolvConf('nameserver 10.0.0.55\n'), { libc: 'glibc', network: net });
    expect(new Set(seen.seen.map((q) => q.fromPort)).size).toBe(1);
    seen.seen.length = 0;
    await lookup('x.example.', parseResolvConf('nameserver 10.0.0.55\noptions single-request-reopen\n'), { libc: 'glibc', network: net });
    expect(new Set(seen.seen.map((q) => q.fromPort)).size).toBe(2);
    await seen.stop();
  });
});

describe('lookup (glibc): A/AAAA socket handling, timeouts shrunk', () => {
  const conf = (extra: string) => parseResolvConf(`search ns.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.0.0.44\noptions ndots:5 timeout:2 attempts:1 ${extra}\n`);
  let aaaaDropper: FakeServer;
  let net: ReturnType<typeof mapNetwork>;
  beforeAll(async () => {
    // Answers A (the bare name exists, the search names do not) and never answers AAAA.
    aaaaDropper = await startFakeDns((q) => {
      const qq = q.questions![0]!;
      if (qq.type === 'AAAA') return null;
      return qq.name === 's3.example.com' ? reply(q, 'NOERROR', [{ type: 'A', name: qq.name, ttl: 5, data: '203.0.113.9' }]) : reply(q, 'NXDOMAIN');
    });
    net = mapNetwork({ '10.0.0.44': { host: aaaaDropper.host, port: aaaaDropper.port } });
  });
  afterAll(async () => {
    await aaaaDropper?.stop();
  });

  it('default: the pair re-sent once on the same socket with the same ids, then separate sockets; 12 s libc-equivalent (measured)', async () => {
    aaaaDropper.seen.length = 0;
    const r = await lookup('s3.example.com', conf(''), { libc: 'glibc', network: net, timeoutScale: 0.1 });
    expect(r).toMatchObject({ totalMs: 12000, result: { ok: true, addresses: ['203.0.113.9'] } });
    expect(r.queries.filter((q) => q.qtype === 'AAAA').map((q) => q.atMs)).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
    const first = aaaaDropper.seen.filter((q) => q.name === 's3.example.com.ns.svc.cluster.local');
    // Tries 1 and 2: one socket for A and AAAA, ids kept; try 3: A and AAAA from two new sockets.
    expect(new Set(first.slice(0, 4).map((q) => q.fromPort)).size).toBe(1);
    expect(first[2]!.id === first[0]!.id || first[2]!.id === first[1]!.id).toBe(true);
    expect(new Set(first.slice(4).map((q) => q.fromPort)).size).toBe(2);
    expect(first.slice(4).some((q) => q.fromPort === first[0]!.fromPort)).toBe(false);
  });

  it('single-request-reopen: 8 s; single-request: 10 s (measured)', async () => {
    const reopen = await lookup('s3.example.com', conf('single-request-reopen'), { libc: 'glibc', network: net, timeoutScale: 0.1 });
    expect(reopen.totalMs).toBe(8000);
    const single = await lookup('s3.example.com', conf('single-request'), { libc: 'glibc', network: net, timeoutScale: 0.1 });
    expect(single.totalMs).toBe(10000);
    expect(single.result.ok).toBe(true);
  });
});

describe('lookup (musl)', () => {
  it('resolves through the search list against unbound', async () => {
    const r = await lookup('api', k8s('nameserver 10.96.0.10\n'), { libc: 'musl', network });
    expect(r.result).toMatchObject({ ok: true, addresses: ['10.96.0.20'] });
  });

  it('sends only as-is when dots ≥ ndots', async () => {
    const r = await lookup('s3.example.com', parseResolvConf('search default.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:2\n'), { libc: 'musl', network });
    expect(new Set(r.queries.map((q) => q.qname))).toEqual(new Set(['s3.example.com.']));
    expect(r.result.ok).toBe(true);
  });

  it('asks every nameserver at once and takes the first real answer; a dropping server costs nothing', async () => {
    const r = await lookup('s3.example.com.', parseResolvConf('nameserver 10.0.0.66\nnameserver 10.96.0.10\noptions timeout:1 attempts:1\n'), { libc: 'musl', network, timeoutScale: 0.3 });
    expect(r.result).toMatchObject({ ok: true, addresses: ['203.0.113.9'], answeredBy: '10.96.0.10' });
    expect(new Set(r.queries.map((q) => q.server))).toEqual(new Set(['10.0.0.66', '10.96.0.10']));
  });

  it('a timeout ends the lookup without trying the bare name', async () => {
    const r = await lookup('api', k8s('nameserver 10.0.0.66\n', 'timeout:2 attempts:2'), { libc: 'musl', network, timeoutScale: 0.02, minTryMs: 20 });
    expect(new Set(r.queries.map((q) => q.qname))).toEqual(new Set(['api.default.svc.cluster.local.']));
    expect(r.result).toMatchObject({ ok: false, error: 'TIMEOUT' });
    expect(r.totalMs).toBe(2000);
  });
});
