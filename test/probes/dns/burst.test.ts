import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBurst, toBurstEvidence } from '../../../src/probes/dns/burst.js';
import { type FakeServer, mapNetwork, reply, startFakeDns } from './helpers/fake-dns-server.js';
import { type UnboundServer, startUnbound } from './helpers/unbound.js';

let unbound: UnboundServer;
const fakes: FakeServer[] = [];
beforeAll(async () => {
  unbound = await startUnbound(['local-zone: "cluster.local." static', 'local-data: "api.default.svc.cluster.local. 30 IN A 10.96.0.20"']);
});
afterAll(async () => {
  await Promise.all([unbound?.stop(), ...fakes.map((f) => f.stop())]);
});

const sum = (h: { count: number }[]) => h.reduce((n, b) => n + b.count, 0);

describe('runBurst', () => {
  it('200 queries at 20 in flight against unbound: all answered, histogram and percentiles consistent', async () => {
    const network = mapNetwork({ '10.96.0.10': { host: unbound.host, port: unbound.port } });
    const r = await runBurst({ ip: '10.96.0.10' }, 'api.default.svc.cluster.local', 'A', { network });
    expect(r).toMatchObject({ count: 200, concurrency: 20, ok: 200, timeouts: 0, errors: 0, retried: 0, rcodes: { NOERROR: 200 }, target: { ip: '10.96.0.10', port: 53 } });
    expect(sum(r.histogram)).toBe(200);
    expect(r.histogram.at(-1)).toEqual({ leMs: Infinity, count: 0 });
    expect(r.p50Ms).toBeLessThanOrEqual(r.p90Ms);
    expect(r.p90Ms).toBeLessThanOrEqual(r.p99Ms);
    expect(r.p99Ms).toBeLessThanOrEqual(r.maxMs);
    expect(r.qps).toBeGreaterThan(0);
    const ev = toBurstEvidence(r, { id: 'p9', from: { kind: 'worker' }, at: 'now', role: 'dns-service' });
    expect(ev).toMatchObject({ kind: 'burst', target: { ip: '10.96.0.10', port: 53, role: 'dns-service' }, count: 200 });
  });

  it('a lost first datagram is answered after the retry: counted as retried, at ≈ the 5 s libc timeout', async () => {
    let fresh = 0;
    let dropped = 0;
    const seenIds = new Set<number>();
    const lossy = await startFakeDns((q) => {
      const first = !seenIds.has(q.id!);
      seenIds.add(q.id!);
      // Drop the first datagram of every fifth new query.
      // Ids are random, so two queries of the burst may share one: count what was really dropped.
      if (first && ++fresh % 5 === 0) {
        dropped++;
        return null;
      }
      return reply(q, 'NOERROR', [{ type: 'A', name: q.questions![0]!.name, ttl: 5, data: '10.0.0.1' }]);
    });
    fakes.push(lossy);
    const r = await runBurst({ ip: lossy.host, port: lossy.port }, 'api.example', 'A', { count: 100, concurrency: 10, tryTimeoutMs: 5000, timeoutScale: 0.1 });
    expect(dropped).toBeGreaterThanOrEqual(18);
    expect(r).toMatchObject({ count: 100, ok: 100, timeouts: 0, retried: dropped, tryWaitMs: 500 });
    expect(r.histogram.find((h) => h.leMs === 10000)!.count).toBe(dropped);
    // 20 % of the answers carry the retry: the median is fast, the 90th percentile is the 5 s signature.
    expect(r.p50Ms).toBeLessThan(5000);
    expect(r.p90Ms).toBeGreaterThanOrEqual(5000);
  });

  it('a slow server answers every try 700 ms late: the retried queries get their second answer and count as late, not lost', async () => {
    // Raw UDP server: echoes each datagram back as a NOERROR reply after 700 ms (more than the 500 ms wait).
    const sock = createSocket('udp4');
    let open = true;
    let received = 0;
    sock.on('message', (msg, rinfo) => {
      received++;
      const out = Buffer.from(msg);
      out[2] = 0x81; // QR, RD
      out[3] = 0x80; // RA, NOERROR
      setTimeout(() => {
        if (open) sock.send(out, rinfo.port, rinfo.address);
      }, 700);
    });
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    try {
      const r = await runBurst({ ip: '127.0.0.1', port: sock.address().port }, 'api.example', 'A', { count: 10, concurrency: 5, tryTimeoutMs: 5000, timeoutScale: 0.1 });
      expect(received).toBe(20);
      expect(r).toMatchObject({ count: 10, ok: 10, timeouts: 0, retried: 10 });
      expect(r.late).toBe(10);
    } finally {
      open = false;
      sock.close();
    }
  });

  it('a lost first datagram gets no second answer: late stays 0', async () => {
    const seenIds = new Set<number>();
    const lossy = await startFakeDns((q) => {
      const first = !seenIds.has(q.id!);
      seenIds.add(q.id!);
      return first ? null : reply(q, 'NOERROR', [{ type: 'A', name: q.questions![0]!.name, ttl: 5, data: '10.0.0.1' }]);
    });
    fakes.push(lossy);
    const r = await runBurst({ ip: lossy.host, port: lossy.port }, 'api.example', 'A', { count: 10, concurrency: 5, tryTimeoutMs: 5000, timeoutScale: 0.1 });
    expect(r).toMatchObject({ count: 10, ok: 10, retried: 10, late: 0 });
  });

  it('a server that never answers: every query times out after tries × timeout (libc-equivalent), in the +Inf bucket', async () => {
    const dead = await startFakeDns(() => null);
    fakes.push(dead);
    const r = await runBurst({ ip: dead.host, port: dead.port }, 'api.example', 'A', { count: 10, concurrency: 5, tryTimeoutMs: 5000, timeoutScale: 0.005, tries: 2 });
    expect(r).toMatchObject({ count: 10, ok: 0, timeouts: 10, maxMs: 10000, p50Ms: 10000 });
    expect(r.histogram.at(-1)!.count).toBe(10);
    expect(dead.seen).toHaveLength(20);
  });

  it('stopWhenDead: a server that never answers ends the burst after the first window of timeouts', async () => {
    const dead = await startFakeDns(() => null);
    fakes.push(dead);
    const r = await runBurst({ ip: dead.host, port: dead.port }, 'api.example', 'A', { count: 200, concurrency: 5, tryTimeoutMs: 5000, timeoutScale: 0.005, tries: 2, stopWhenDead: true });
    expect(r).toMatchObject({ count: 5, ok: 0, timeouts: 5 });
    expect(dead.seen).toHaveLength(10);
  });

  it('stopWhenDead keeps going while anything is answered', async () => {
    const r = await runBurst({ ip: unbound.host, port: unbound.port }, 'api.default.svc.cluster.local', 'A', { count: 40, concurrency: 5, stopWhenDead: true });
    expect(r).toMatchObject({ count: 40, ok: 40, timeouts: 0 });
  });

  it('REFUSED replies and a closed port count as errors, by rcode', async () => {
    const refusing = await startFakeDns((q) => reply(q, 'REFUSED'));
    fakes.push(refusing);
    const r = await runBurst({ ip: refusing.host, port: refusing.port }, 'x.example', 'A', { count: 30, concurrency: 3 });
    expect(r).toMatchObject({ ok: 0, errors: 30, rcodes: { REFUSED: 30 } });
    const closed = await runBurst({ ip: '127.0.0.1', port: 1 }, 'x.example', 'A', { count: 10, concurrency: 2 });
    expect(closed).toMatchObject({ ok: 0, errors: 10, rcodes: { 'connection refused': 10 } });
  });

  it('ignores replies with another question (same id)', async () => {
    const liar = await startFakeDns((q) => [reply({ ...q, questions: [{ name: 'other.example', type: 'A', class: 'IN' }] } as typeof q, 'NOERROR'), reply(q, 'NXDOMAIN')]);
    fakes.push(liar);
    const r = await runBurst({ ip: liar.host, port: liar.port }, 'x.example', 'A', { count: 20, concurrency: 4 });
    expect(r.rcodes).toEqual({ NXDOMAIN: 20 });
  });
});
