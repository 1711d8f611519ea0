/**
 * The replica's kept encoded cache hits, with the real Corefile engine and a stepped clock: a query
 * asked again gets the very bytes the full path would give at that moment (its id, TTLs counted
 * down) without reaching the engine, and everything the reply depends on keeps queries apart.
 */
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { AddressMap } from '../../../src/lab/net/address-map.js';
import { NetworkRules } from '../../../src/lab/net/network-rules.js';
import type { CorefileEngine } from '../../../src/lab/dns/corefile-engine.js';
import { corefileServerEngine } from '../../../src/lab/dns/corefile-server-engine.js';
import { CorednsReplica } from '../../../src/lab/dns/coredns-replica.js';
import type { ClusterState } from '../../../src/core/model/k8s.js';
import { labNetworkPerTest } from '../net/lab-network-fixture.js';
import { twoZoneTopology } from '../net/topology-fixture.js';

const cluster: ClusterState = {
  namespaces: ['default', 'kube-system'],
  services: [{ namespace: 'default', name: 'api', type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ port: 443, protocol: 'TCP' }] }],
  endpoints: [],
  pods: [],
};
const corefile = (extra = '') => `.:53 {\n    errors\n${extra}    kubernetes cluster.local\n    cache 30\n    reload\n}\n`;
const client = { ip: '10.245.4.17', port: 40001 };

const net = labNetworkPerTest();

/** Two replicas on one clock, each with the real engine, counting the queries that reach it. */
async function replicas(text: string) {
  const map = new AddressMap(204);
  const topo = twoZoneTopology();
  const labNet = await net.start(map, topo, new NetworkRules([], topo, 1));
  const clock = { now: 1_000_000 };
  const make = async (name: string, ip: string) => {
    const counted = { calls: 0 };
    const engine: CorefileEngine = (t, w, io) => {
      const running = corefileServerEngine(t, w, io);
      return { ...running, handle: (q, c, trace) => (counted.calls++, running.handle(q, c, trace)) };
    };
    const r = new CorednsReplica({ name, node: 'dev-master', ip, ready: true }, { labNet, engine, nodeIp: '192.168.1.130', nodeResolvers: [], cluster: () => cluster, seed: 1, now: () => clock.now });
    net.onStop(() => r.stop());
    await r.start(text, {});
    return { r, counted };
  };
  return { clock, x: await make('coredns-x', '10.245.0.7'), y: await make('coredns-y', '10.245.1.33') };
}

function query(id: number, name = 'api.default.svc.cluster.local', opts: { cd?: boolean; edns?: { size: number; do: boolean } } = {}): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED | (opts.cd ? dnsPacket.CHECKING_DISABLED : 0),
    questions: [{ name, type: 'A' }],
    ...(opts.edns ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: opts.edns.size, flags: opts.edns.do ? dnsPacket.DNSSEC_OK : 0 } as never] } : {}),
  });
}

const ask = (r: CorednsReplica, msg: Buffer) => r.handle(msg, { ...client, sourceIp: client.ip, host: '127.0.0.1', hostPort: client.port }, 'udp') as Promise<Buffer>;
const ttls = (wire: Buffer) => (dnsPacket.decode(wire).answers ?? []).map((a) => (a as { ttl?: number }).ttl);

describe('kept encoded cache hits', () => {
  it('answer a repeated query with the bytes the full path gives at that moment, without reaching the engine', async () => {
    const { clock, x, y } = await replicas(corefile());
    await ask(x.r, query(1));
    await ask(y.r, query(1));
    await ask(x.r, query(2)); // a cache hit through the engine: kept
    clock.now += 3_000; // the kubernetes plugin's TTL is 5 s, so the entry lives 5 s
    const kept = await ask(x.r, query(3));
    const full = await ask(y.r, query(3)); // y's first hit: the full path
    expect(x.counted.calls).toBe(2);
    expect(y.counted.calls).toBe(2);
    expect(kept.equals(full)).toBe(true);
    expect(kept.readUInt16BE(0)).toBe(3);
    expect(ttls(kept)).toEqual([2]);
    // The metrics count the kept answer as the hit it is.
    expect(x.r.metricsText()).toMatch(/coredns_cache_hits_total\{[^}]*type="success"[^}]*\} 2/);
    expect(x.r.metricsText()).toMatch(/coredns_dns_requests_total\{[^}]*type="A"[^}]*\} 3/);
  });

  it('once the entry has expired, the query goes to the engine again and gets what the full path gives', async () => {
    const { clock, x, y } = await replicas(corefile());
    await ask(x.r, query(1));
    await ask(x.r, query(2));
    await ask(y.r, query(1));
    clock.now += 6_000;
    const after = await ask(x.r, query(4));
    const full = await ask(y.r, query(4));
    expect(x.counted.calls).toBe(3);
    expect(after.equals(full)).toBe(true);
    expect(ttls(after)).toEqual([5]); // a fresh kubernetes answer (TTL 5), stored again
  });

  it('keeps the CD bit, the DO bit, the buffer size and the name as asked apart', async () => {
    const { x } = await replicas(corefile());
    const variants = [query(10), query(11, 'api.default.svc.cluster.local', { cd: true }), query(12, 'api.default.svc.cluster.local', { edns: { size: 1232, do: false } }), query(13, 'api.default.svc.cluster.local', { edns: { size: 1232, do: true } }), query(14, 'api.default.svc.cluster.local', { edns: { size: 4096, do: false } }), query(15, 'API.default.svc.cluster.local')];
    // The engine's cache keys on DO, CD, type, class and the lower-case name: the plain query, the CD
    // one and the DO one are misses first; the other three are hits of the plain query's entry.
    for (const v of variants) await ask(x.r, v);
    expect(x.counted.calls).toBe(6);
    for (const v of variants) await ask(x.r, v); // the three misses are hits now (kept); the rest were kept already
    const calls = x.counted.calls;
    expect(calls).toBe(6 + 3);
    const answers = await Promise.all(variants.map((v) => ask(x.r, v)));
    expect(x.counted.calls).toBe(calls); // all kept, none answered for another
    expect(dnsPacket.decode(answers[5]!).questions?.[0]?.name).toBe('API.default.svc.cluster.local');
    expect(answers.map((a) => dnsPacket.decode(a).additionals?.some((r) => r.type === 'OPT') ?? false)).toEqual([false, false, true, true, true, false]);
  });

  it('are not used with the log plugin (its line per query comes from the full path), nor after a reload', async () => {
    const { x } = await replicas(corefile('    log\n'));
    for (let id = 1; id <= 3; id++) await ask(x.r, query(id));
    expect(x.counted.calls).toBe(3);
    expect(x.r.logsText().split('\n').filter((l) => l.includes('"A IN api.default.svc.cluster.local.')).length).toBe(3);
    expect(x.r.reload(corefile(), {})).toBe('reloaded');
    for (let id = 4; id <= 6; id++) await ask(x.r, query(id));
    // The new config's cache starts empty: a miss, a hit through the engine (kept), then the kept one.
    expect(x.counted.calls).toBe(3 + 2);
  });
});
