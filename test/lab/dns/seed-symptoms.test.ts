/**
 * Each seed incident's symptom, reproduced with real packets through the lab network: the DNS
 * Service VIP, the CoreDNS replicas (real Corefile engine), resolvers outside the cluster, TCP
 * hosts and the network rules.
 */
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { parseResolvConf } from '../../../src/core/resolver/resolv-conf.js';
import type { LabDnsWorld } from '../../../src/lab/dns/dns-world.js';
import type { AddressMap } from '../../../src/lab/net/address-map.js';
import { lookup } from '../../../src/probes/dns/stub-resolver.js';
import { tcpConnect as probeTcpConnect } from '../../../src/probes/dns/tcp-connect.js';
import { tcpConnect } from '../net/tcp-probe.js';
import { ask, datas } from './dns-test-client.js';
import { startFixtureWorld } from './world-fixture.js';

let world: LabDnsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function start(file: string, opts: Parameters<typeof startFixtureWorld>[1] = {}): Promise<AddressMap> {
  const started = await startFixtureWorld(file, opts);
  world = started.world;
  return started.map;
}

describe('seed 000: hybrid-cloud split horizon', () => {
  it('seed 000: the cloud-B pod asks the DNS Service and gets cloud A\'s public address, which it cannot reach', async () => {
    const map = await start('split-horizon.yaml');
    const viaCluster = await ask(map, '10.245.4.17', '10.96.0.10', 's3.cloud-b.example');
    expect(viaCluster.rcode).toBe('NOERROR');
    expect(datas(viaCluster)).toEqual(['10.118.163.249']);
    // cloud B's own resolver, asked from the pod (SNAT: it sees the zone-1 node), has the in-VPC address
    expect(datas(await ask(map, '10.245.4.17', '10.119.0.2', 's3.cloud-b.example'))).toEqual(['10.118.163.242']);
    expect(world!.resolvers.find((r) => r.spec.name === 'cloud-a-vpc')!.log.at(-1)).toMatchObject({ client: '192.168.1.130' });
    expect(await tcpConnect(map, '10.245.4.17', '10.118.163.249', 80)).toBe('timeout');
    expect(await tcpConnect(map, '10.245.4.17', '10.118.163.242', 80)).toBe('connected');
  });

  it('seed 000 after the hosts fix (reloaded), the zone-2 pod gets the zone-1 address and cannot connect to it', async () => {
    const map = await start('split-horizon.yaml');
    const fixed = world!.scenario.coredns.corefile.replace(
      'forward . /etc/resolv.conf',
      'hosts {\n            10.118.163.242 s3.cloud-b.example\n            fallthrough\n        }\n        forward . /etc/resolv.conf',
    );
    const before = world!.loadedCorefileHash('coredns-a');
    world!.reloadCorefile(fixed);
    expect(world!.loadedCorefileHash('coredns-a')).not.toBe(before);
    expect(datas(await ask(map, '10.245.5.9', '10.96.0.10', 's3.cloud-b.example'))).toEqual(['10.118.163.242']);
    expect(await tcpConnect(map, '10.245.5.9', '10.118.163.242', 80)).toBe('timeout');
    expect(await tcpConnect(map, '10.245.4.17', '10.118.163.242', 80)).toBe('connected');
    // the zone-2 node's own resolver view has the address that works from zone 2
    expect(datas(await ask(map, '10.245.5.9', '10.119.0.2', 's3.cloud-b.example'))).toEqual(['10.118.119.244']);
    expect(await tcpConnect(map, '10.245.5.9', '10.118.119.244', 80)).toBe('connected');
    // dnswhy's own TCP probe (the code a probe pod runs) sees the same: not reachable from zone 2
    const probe = await probeTcpConnect('10.118.163.242', 80, { network: map, sourceIp: '10.245.5.9', timeoutMs: 500 });
    expect(probe.ok).toBe(false);
    expect((await probeTcpConnect('10.118.163.242', 80, { network: map, sourceIp: '10.245.4.17', timeoutMs: 500 })).ok).toBe(true);
  });
});

describe('seed 001: lost UDP packets to the DNS Service', () => {
  it('30% loss makes glibc retry at its resolver timeout: lookups take multiples of 5 s', async () => {
    const map = await start('udp-loss.yaml');
    const conf = parseResolvConf('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 172.20.0.10\noptions ndots:5\n');
    const totals: number[] = [];
    for (let i = 0; i < 12; i++) {
      // timeoutScale shrinks the real waits (5 s → 150 ms); totalMs stays what the application waits.
      const r = await lookup('kubernetes.default.svc.cluster.local.', conf, { libc: 'glibc', network: map, sourceIp: '10.244.1.20', timeoutScale: 0.03 });
      totals.push(r.totalMs);
    }
    const retried = totals.filter((t) => t >= 5000);
    expect(retried.length).toBeGreaterThan(0);
    expect(totals.some((t) => t < 1000)).toBe(true);
    // the signature: every slow lookup is within a few ms of a multiple of glibc's 5 s timeout
    for (const t of retried) expect(t % 5000 < 500 || t % 5000 > 4500).toBe(true);
  });

  it('the same queries straight to the CoreDNS pod are not lost (the rule is on the Service)', async () => {
    const map = await start('udp-loss.yaml');
    for (let i = 0; i < 30; i++) {
      expect((await ask(map, '10.244.1.20', '10.244.1.5', 'kubernetes.default.svc.cluster.local', 'A', { timeoutMs: 1000 })).rcode).toBe('NOERROR');
    }
  });
});

describe('seed 002: mixed upstreams and negative caching', () => {
  it('internal and public resolvers disagree; CoreDNS keeps the NXDOMAIN it got for the SOA minimum', async () => {
    let clock = 1_000_000;
    const map = await start('mixed-upstreams.yaml', { now: () => clock });
    // asked from the node, as CoreDNS's forward does: the internal resolver knows the name, the public one does not
    expect(datas(await ask(map, '10.53.140.11', '10.53.136.10', 'a.xxxxx.com'))).toEqual(['10.53.33.38']);
    const pub = await ask(map, '10.53.140.11', '223.5.5.5', 'a.xxxxx.com');
    expect(pub.rcode).toBe('NXDOMAIN');
    expect(pub.authorities?.[0]).toMatchObject({ type: 'SOA', ttl: 20 });

    // through the replica: the random policy sometimes picks a public resolver; step the clock
    // past the positive TTL until it does
    const seen: string[] = [];
    let got = await ask(map, '172.17.5.163', '172.17.5.159', 'a.xxxxx.com');
    for (let i = 0; i < 40 && got.rcode !== 'NXDOMAIN'; i++) {
      seen.push(got.rcode!);
      clock += 31_000;
      got = await ask(map, '172.17.5.163', '172.17.5.159', 'a.xxxxx.com');
    }
    expect(seen).toContain('NOERROR');
    expect(got.rcode).toBe('NXDOMAIN');
    const upstreamQueries = (): number => world!.resolvers.reduce((n, r) => n + r.log.filter((e) => e.name === 'a.xxxxx.com' && e.client === '10.53.140.11').length, 0);
    const asked = upstreamQueries();
    clock += 19_000;
    const cached = await ask(map, '172.17.5.163', '172.17.5.159', 'a.xxxxx.com');
    expect(cached.rcode).toBe('NXDOMAIN');
    expect((cached.authorities?.[0] as { ttl?: number } | undefined)?.ttl).toBeLessThanOrEqual(1);
    expect(upstreamQueries()).toBe(asked);
    clock += 2_000;
    await ask(map, '172.17.5.163', '172.17.5.159', 'a.xxxxx.com');
    expect(upstreamQueries()).toBe(asked + 1);
  });
});

describe('seed 003: blocked cross-node pod traffic', () => {
  it('the CoreDNS endpoint on the other node does not answer; the one on the pod\'s node does', async () => {
    const map = await start('cross-node-blocked.yaml');
    expect((await ask(map, '172.20.0.219', '172.20.0.205', 'nginx.default.svc.cluster.local')).rcode).toBe('NOERROR');
    await expect(ask(map, '172.20.0.219', '172.20.0.146', 'nginx.default.svc.cluster.local', 'A', { timeoutMs: 300 })).rejects.toMatchObject({ reason: 'timeout' });
    await expect(ask(map, '172.20.0.219', '172.20.0.146', 'nginx.default.svc.cluster.local', 'A', { timeoutMs: 300, proto: 'tcp' })).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('through the Service, a client socket stuck on the blocked replica keeps timing out on retries', async () => {
    const map = await start('cross-node-blocked.yaml');
    const vip = map.dial('172.21.0.10', 53, 'udp');
    const outcomes: string[] = [];
    for (let c = 0; c < 8; c++) {
      const sock = dgram.createSocket('udp4');
      await new Promise<void>((r) => sock.bind({ address: map.loopbackFor('172.20.0.219'), port: 0 }, () => r()));
      let answered = 0;
      for (let attempt = 0; attempt < 3; attempt++) {
        const id = c * 10 + attempt + 1;
        const got = new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), 400);
          sock.once('message', () => {
            clearTimeout(t);
            resolve(true);
          });
        });
        sock.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: 'nginx.default.svc.cluster.local', type: 'A' }] }), vip.port, vip.host);
        if (await got) answered++;
      }
      sock.close();
      outcomes.push(answered === 3 ? 'ok' : answered === 0 ? 'stuck' : 'mixed');
    }
    expect(outcomes).toContain('ok');
    expect(outcomes).toContain('stuck');
    expect(outcomes).not.toContain('mixed');
  });
});

describe('seed 004: the cluster domain shadows the company domain', () => {
  it('the company name gets NXDOMAIN with the cluster zone\'s SOA in authority, though the resolver has it', async () => {
    const map = await start('shadowing.yaml');
    const r = await ask(map, '10.1.0.30', '10.0.0.10', 'downloads.oneprocloud.com');
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.flag_aa).toBe(true);
    expect(r.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'oneprocloud.com' });
    expect(datas(await ask(map, '10.1.0.30', '100.100.2.136', 'downloads.oneprocloud.com'))).toEqual(['203.0.113.77']);
    expect(datas(await ask(map, '10.1.0.30', '10.0.0.10', 'www.example.org'))).toEqual(['203.0.113.80']);
  });
});
