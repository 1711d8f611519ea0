/**
 * The pod-side probe end to end with real packets: unbound plays the DNS Service and one CoreDNS
 * replica, a dropping loopback server the broken replica, a loopback TCP server the application.
 * A small port-aware NetworkPosition maps the cluster addresses onto them.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../../src/core/model/evidence.js';
import type { NetworkPosition } from '../../../src/core/network-position.js';
import { PodProbeSpecError, parsePodProbeSpec, runPodProbe } from '../../../src/probes/pod-probe/index.js';
import { type FakeServer, reply, startFakeDns } from '../dns/helpers/fake-dns-server.js';
import { type UnboundServer, startUnbound } from '../dns/helpers/unbound.js';

let unbound: UnboundServer;
let dropper: FakeServer;
let refuser: FakeServer;
let app: Server;
let appPort: number;
let network: NetworkPosition;

beforeAll(async () => {
  unbound = await startUnbound([
    'local-zone: "cluster.local." static',
    'local-data: "api.default.svc.cluster.local. 30 IN A 10.96.0.20"',
    'local-data: "db.cluster.local. 30 IN A 10.96.0.31"',
    'local-data: "db.cluster.local.default.svc.cluster.local. 30 IN A 10.96.0.30"',
    'local-zone: "example.com." static',
    'local-data: "s3.example.com. 60 IN A 203.0.113.9"',
  ]);
  dropper = await startFakeDns(() => null);
  refuser = await startFakeDns((q) => reply(q, 'REFUSED'));
  app = createServer((c) => c.end());
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
  appPort = (app.address() as { port: number }).port;
  const table: Record<string, { host: string; port: number }> = {
    '10.96.0.10:53': { host: unbound.host, port: unbound.port },
    '10.244.0.5:53': { host: unbound.host, port: unbound.port },
    '10.244.0.6:53/udp': { host: dropper.host, port: dropper.port },
    '10.96.0.77:53/udp': { host: dropper.host, port: dropper.port },
    '10.0.0.2:53': { host: unbound.host, port: unbound.port },
    '10.0.0.3:53/udp': { host: refuser.host, port: refuser.port },
    '192.168.1.2:53': { host: unbound.host, port: unbound.port },
    '10.96.0.20:443': { host: '127.0.0.1', port: appPort },
    '203.0.113.9:443': { host: '127.0.0.1', port: appPort },
  };
  network = {
    dial: (ip, port, proto) => {
      if (ip === '10.244.0.99') throw new Error('no route to 10.244.0.99 in this test');
      return table[`${ip}:${port}/${proto}`] ?? table[`${ip}:${port}`] ?? { host: '127.0.0.1', port: 1 };
    },
    bindAddress: () => undefined,
    reverse: (host, port) => ({ ip: host, port }),
  };
});
afterAll(async () => {
  app?.close();
  await Promise.all([unbound?.stop(), dropper?.stop(), refuser?.stop()]);
});

const resolvConf = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const hosts = '127.0.0.1\tlocalhost\n10.244.1.7\tweb-0\n';
const rt = () => ({ network, podIp: '10.244.1.7', resolvConf, hosts, node: 'worker-1' });

const byKind = <K extends Evidence['kind']>(ev: Evidence[], kind: K) => ev.filter((e): e is Extract<Evidence, { kind: K }> => e.kind === kind);

describe('runPodProbe twin', () => {
  it('runs the lookup, queries the Service and every endpoint over UDP and TCP, connects to answers, bursts', async () => {
    const { evidence } = await runPodProbe(
      {
        name: 'api',
        dnsServiceIp: '10.96.0.10',
        endpoints: [
          { ip: '10.244.0.5', pod: 'coredns-a', node: 'worker-1' },
          { ip: '10.244.0.6', pod: 'coredns-b', node: 'worker-2' },
        ],
        tcpPorts: [443, 80],
        burst: { count: 40, concurrency: 4 },
        queryTimeoutMs: 400,
        origin: { namespace: 'default', name: 'dnswhy-probe-1', node: 'worker-1', twinOf: 'default/web-0' },
      },
      rt(),
    );
    expect(new Set(evidence.map((e) => e.id)).size).toBe(evidence.length);
    expect(evidence.every((e) => /^p\d+$/.test(e.id))).toBe(true);
    expect(evidence.every((e) => e.from.kind === 'probe-pod' && e.from.twinOf === 'default/web-0' && e.from.ip === '10.244.1.7')).toBe(true);
    expect(byKind(evidence, 'resolv-conf')[0]!.text).toBe(resolvConf);
    expect(byKind(evidence, 'hosts-file')[0]!.entries).toEqual([
      { ip: '127.0.0.1', names: ['localhost'] },
      { ip: '10.244.1.7', names: ['web-0'] },
    ]);
    const [lk] = byKind(evidence, 'lookup');
    expect(lk).toMatchObject({ libc: 'glibc', name: 'api', result: { ok: true, addresses: ['10.96.0.20'], finalName: 'api.default.svc.cluster.local.' } });

    const q = byKind(evidence, 'dns-query').map((e) => `${e.resolver.role} ${e.resolver.label ?? e.resolver.ip} ${e.transport} ${e.qname} ${e.outcome} ${e.rcode ?? '-'}`);
    expect(q.sort()).toEqual(
      [
        'dns-service 10.96.0.10 udp api.default.svc.cluster.local. answer NOERROR',
        'dns-service 10.96.0.10 tcp api.default.svc.cluster.local. answer NOERROR',
        'coredns-endpoint coredns-a udp api.default.svc.cluster.local. answer NOERROR',
        'coredns-endpoint coredns-a tcp api.default.svc.cluster.local. answer NOERROR',
        'coredns-endpoint coredns-b udp api.default.svc.cluster.local. timeout -',
        'coredns-endpoint coredns-b tcp api.default.svc.cluster.local. refused -',
      ].sort(),
    );
    expect(byKind(evidence, 'dns-query').every((e) => e.source === '10.244.1.7')).toBe(true);

    const tcp = byKind(evidence, 'tcp-connect').map((e) => `${e.ip}:${e.port} ${e.ok ? 'ok' : e.error} ${e.forName}`);
    expect(tcp.sort()).toEqual(['10.96.0.20:443 ok api', '10.96.0.20:80 refused api']);

    const [burst] = byKind(evidence, 'burst');
    expect(burst).toMatchObject({ target: { ip: '10.96.0.10', port: 53, role: 'dns-service' }, qname: 'api.default.svc.cluster.local.', count: 40, ok: 40 });
    // The output is what the CLI prints: JSON-serialisable.
    expect(JSON.parse(JSON.stringify({ evidence })).evidence).toHaveLength(evidence.length);
  });

  it('direct queries started on a wrong guess of the resolved name are dropped and asked again for the name the lookup resolved', async () => {
    // "db.cluster.local" is guessed as written (a cluster name, so asked at once), but the search list finds db.cluster.local.default.svc.cluster.local first.
    const { evidence } = await runPodProbe(
      { name: 'db.cluster.local', dnsServiceIp: '10.96.0.10', endpoints: [{ ip: '10.244.0.5', pod: 'coredns-a', node: 'worker-1' }], tcpPorts: [443], burst: { count: 0, concurrency: 1 }, queryTimeoutMs: 400 },
      rt(),
    );
    expect(byKind(evidence, 'lookup')[0]).toMatchObject({ result: { ok: true, finalName: 'db.cluster.local.default.svc.cluster.local.' } });
    const q = byKind(evidence, 'dns-query').filter((e) => e.purpose === undefined);
    const asked = 'db.cluster.local.default.svc.cluster.local.';
    expect(q.map((e) => `${e.resolver.ip} ${e.transport} ${e.qname} ${e.outcome}`).sort()).toEqual(
      [`10.244.0.5 tcp ${asked} answer`, `10.244.0.5 udp ${asked} answer`, `10.96.0.10 tcp ${asked} answer`, `10.96.0.10 udp ${asked} answer`].sort(),
    );
    expect(evidence.map((e) => e.id)).toEqual(evidence.map((_, i) => `p${i + 1}`));
  });

  it('a name answered by the hosts file (hostAliases) sends no lookup queries; direct queries still ask for it', async () => {
    const { evidence } = await runPodProbe(
      { name: 's3.example.com', dnsServiceIp: '10.96.0.10', endpoints: [], tcpPorts: [443], burst: { count: 0, concurrency: 1 }, queryTimeoutMs: 400 },
      { ...rt(), hosts: `${hosts}203.0.113.77 s3.example.com\n` },
    );
    expect(byKind(evidence, 'lookup')[0]).toMatchObject({ queries: [], result: { answeredBy: 'hosts-file', addresses: ['203.0.113.77'] } });
    expect(byKind(evidence, 'dns-query')[0]).toMatchObject({ qname: 's3.example.com.', answers: [{ data: '203.0.113.9' }] });
    expect(byKind(evidence, 'burst')).toHaveLength(0);
    expect(byKind(evidence, 'tcp-connect').map((e) => `${e.ip} ${e.ok}`).sort()).toEqual(['203.0.113.77 false', '203.0.113.9 true']);
  });

  it('a server that answered none of the lookup\'s queries gets one direct try; a server the lookup did not ask gets two', async () => {
    // The pod's nameserver is a dead Service address (it drops every UDP query); the endpoint 10.244.0.6 drops too, but the lookup never asked it.
    // "api.prod" as written is not a cluster name, so the direct queries wait for the lookup (a cluster name's start beside it, two tries each).
    const { evidence } = await runPodProbe(
      { name: 'api.prod', dnsServiceIp: '10.96.0.77', endpoints: [{ ip: '10.244.0.6', pod: 'coredns-b', node: 'worker-2' }], tcpPorts: [443], burst: { count: 0, concurrency: 1 }, queryTimeoutMs: 300 },
      { ...rt(), resolvConf: 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.77\noptions ndots:5 timeout:1 attempts:1\n' },
    );
    const lookup = byKind(evidence, 'lookup')[0]!;
    expect(lookup.queries.length).toBeGreaterThanOrEqual(2);
    expect(lookup.queries.every((q) => q.server === '10.96.0.77' && q.outcome === 'timeout')).toBe(true);
    const udp = byKind(evidence, 'dns-query').filter((e) => e.purpose === undefined && e.transport === 'udp');
    expect(udp.map((e) => `${e.resolver.ip} ${e.outcome} ${e.tries}`).sort()).toEqual(['10.244.0.6 timeout 2', '10.96.0.77 timeout 1']);
  });

  it('a probe that throws becomes a probe-error item naming what could not be learned', async () => {
    const { evidence } = await runPodProbe(
      { name: 'api', dnsServiceIp: '10.96.0.10', endpoints: [{ ip: '10.244.0.99', pod: 'coredns-x' }], tcpPorts: [443], burst: { count: 0, concurrency: 1 }, queryTimeoutMs: 400 },
      rt(),
    );
    const errors = byKind(evidence, 'probe-error');
    expect(errors.map((e) => e.probe).sort()).toEqual(['query 10.244.0.99 over tcp', 'query 10.244.0.99 over udp']);
    expect(errors[0]!.reason).toMatch(/no route to 10\.244\.0\.99/);
    expect(errors[0]!.what).toMatch(/coredns-x/);
  });
});

describe('runPodProbe node-view', () => {
  it("emits the node's resolv.conf and asks each nameserver and upstream individually, seen from the node", async () => {
    const { evidence } = await runPodProbe(
      { mode: 'node-view', name: 's3.example.com', dnsServiceIp: '10.96.0.10', endpoints: [], tcpPorts: [443], upstreams: [{ ip: '192.168.1.2' }], node: 'gpu-zone1', zone: 'cloud-b', queryTimeoutMs: 400 },
      { ...rt(), resolvConf: 'nameserver 10.0.0.2\nnameserver 10.0.0.3\n' },
    );
    expect(byKind(evidence, 'node-resolv-conf')[0]).toMatchObject({ node: 'gpu-zone1', zone: 'cloud-b', nameservers: ['10.0.0.2', '10.0.0.3'] });
    const q = byKind(evidence, 'dns-query');
    expect(q.map((e) => `${e.resolver.ip} ${e.resolver.role} ${e.resolver.label} ${e.resolver.seenFromNodes} ${e.rcode}`).sort()).toEqual([
      '10.0.0.2 upstream gpu-zone1 resolv.conf gpu-zone1 NOERROR',
      '10.0.0.3 upstream gpu-zone1 resolv.conf gpu-zone1 REFUSED',
      '192.168.1.2 upstream forward gpu-zone1 NOERROR',
    ]);
    expect(byKind(evidence, 'tcp-connect')).toMatchObject([{ ip: '203.0.113.9', port: 443, ok: true, forName: 's3.example.com' }]);
    expect(byKind(evidence, 'lookup')).toHaveLength(0);
    expect(byKind(evidence, 'burst')).toHaveLength(0);
  });
});

describe('parsePodProbeSpec', () => {
  it('fills defaults', () => {
    expect(parsePodProbeSpec({ name: 'api', dnsServiceIp: '10.96.0.10' })).toMatchObject({ mode: 'twin', libc: 'glibc', endpoints: [], tcpPorts: [], upstreams: [] });
    expect(parsePodProbeSpec('{"name":"api","dnsServiceIp":"10.96.0.10","mode":"node-view"}').mode).toBe('node-view');
  });

  it('names every wrong field', () => {
    try {
      parsePodProbeSpec({ name: '', dnsServiceIp: 'ten', burst: { count: -1, concurrency: 5 }, tcpPorts: [70000], extra: 1 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PodProbeSpecError);
      const msg = (err as Error).message;
      for (const field of ['name', 'dnsServiceIp', 'burst.count', 'tcpPorts.0', 'extra']) expect(msg).toContain(field);
    }
    expect(() => parsePodProbeSpec('{nope')).toThrow(/invalid probe spec: not JSON/);
  });

  it('runPodProbe rejects an invalid spec before sending anything', async () => {
    await expect(runPodProbe({ name: 'api' }, rt())).rejects.toThrow(/dnsServiceIp/);
  });
});
