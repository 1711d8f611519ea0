/**
 * The replica's own behaviour (sockets, reload rules, failed reloads, restarts, metrics), with a
 * FAKE Corefile engine so the assertions do not depend on the evaluator; the real engine is
 * exercised in dns-world.test.ts and seed-symptoms.test.ts.
 */
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { AddressMap } from '../../../src/lab/net/address-map.js';
import type { LabNetwork } from '../../../src/lab/net/lab-network.js';
import { NetworkRules } from '../../../src/lab/net/network-rules.js';
import { CorefileLoadError, type CorefileEngine } from '../../../src/lab/dns/corefile-engine.js';
import { CorednsReplica, corefileHash } from '../../../src/lab/dns/coredns-replica.js';
import { UpstreamResolver } from '../../../src/lab/dns/upstream-resolver.js';
import { labNetworkPerTest } from '../net/lab-network-fixture.js';
import { twoZoneTopology } from '../net/topology-fixture.js';
import { ask, datas } from './dns-test-client.js';

/**
 * FAKE engine: a Corefile whose lines are `answer NAME IP`, `forward IP`, `reload` or `bad`
 * (refused at load). Enough to drive the replica's behaviour.
 */
const fakeEngine: CorefileEngine = (text, _world, io) => {
  const lines = text.split('\n').map((l) => l.trim().split(/\s+/));
  if (lines.some((l) => l[0] === 'bad')) throw new CorefileLoadError('Corefile:1: unknown directive "bad"');
  const answers = new Map(lines.filter((l) => l[0] === 'answer').map((l) => [l[1]!, l[2]!]));
  const forward = lines.find((l) => l[0] === 'forward')?.[1];
  return {
    hasReload: lines.some((l) => l[0] === 'reload'),
    plugins: lines.map((l) => l[0]!).filter((p) => p === 'log' || p === 'errors'),
    handle: async (q) => {
      const name = q.questions![0]!.name;
      const ip = answers.get(name);
      if (ip) return { ...q, type: 'response', rcode: 'NOERROR', answers: [{ name, type: 'A', class: 'IN', ttl: 5, data: ip }] } as never;
      if (forward) {
        try {
          return await io.exchange({ ip: forward, port: 53 }, q, 'udp');
        } catch {
          return { ...q, type: 'response', rcode: 'SERVFAIL', answers: [] } as never;
        }
      }
      return { ...q, type: 'response', rcode: 'NXDOMAIN', answers: [] } as never;
    },
  };
};

const net = labNetworkPerTest();

async function replica(ready = true): Promise<{ map: AddressMap; r: CorednsReplica; labNet: LabNetwork }> {
  const map = new AddressMap(203);
  const topo = twoZoneTopology();
  const labNet = await net.start(map, topo, new NetworkRules([{ from: 'node:dev-master', to: '10.119.0.3', action: 'drop' }], topo, 1));
  const r = new CorednsReplica(
    { name: 'coredns-a', node: 'dev-master', ip: '10.245.0.7', ready },
    { labNet, engine: fakeEngine, nodeIp: '192.168.1.130', nodeResolvers: [], cluster: () => ({ namespaces: [], services: [], endpoints: [], pods: [] }), seed: 1, forwardReadTimeoutMs: 200 },
  );
  net.onStop(() => r.stop());
  return { map, r, labNet };
}

describe('CoreDNS replica (fake engine)', () => {
  it('serves UDP and TCP on the pod address and counts requests and responses', async () => {
    const { map, r } = await replica();
    await r.start('answer a.example.org 192.0.2.1\n', {});
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 'a.example.org'))).toEqual(['192.0.2.1']);
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 'a.example.org', 'A', { proto: 'tcp' }))).toEqual(['192.0.2.1']);
    expect((await ask(map, '10.245.4.17', '10.245.0.7', 'b.example.org')).rcode).toBe('NXDOMAIN');
    const text = r.metricsText();
    expect(text).toMatch(/coredns_dns_requests_total\{family="1",proto="udp",server="dns:\/\/:53",type="A",view="",zone="\."\} 2/);
    expect(text).toMatch(/coredns_dns_responses_total\{plugin="",rcode="NXDOMAIN",server="dns:\/\/:53",view="",zone="\."\} 1/);
    expect(text).toContain(`coredns_reload_version_info{hash="sha512",value="${corefileHash('answer a.example.org 192.0.2.1\n')}"} 1`);
  });

  it('forwards from the node address; a dropped upstream counts requests and failed health checks', async () => {
    const { map, r, labNet } = await replica();
    const resolver = await new UpstreamResolver(
      { name: 'up', ip: '10.119.0.2', zones: [], records: [{ name: 'x.example.org', type: 'A', values: ['198.51.100.7'], ttl: 60 }], views: [], otherNames: 'nxdomain' },
      labNet,
      { resolverIp: () => undefined },
    ).start();
    net.onStop(() => resolver.stop());
    await r.start('forward 10.119.0.2\n', {});
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 'x.example.org'))).toEqual(['198.51.100.7']);
    expect(resolver.log.at(-1)?.client).toBe('192.168.1.130');
    await r.start('forward 10.119.0.3\nerrors\n', {});
    expect((await ask(map, '10.245.4.17', '10.245.0.7', 'x.example.org')).rcode).toBe('SERVFAIL');
    // the errors plugin's line, with the socket as Go prints it (the pod's address inside the pod)
    expect(r.logsText()).toMatch(/\[ERROR\] plugin\/errors: 2 x\.example\.org\. A: read udp 10\.245\.0\.7:\d+->10\.119\.0\.3:53: i\/o timeout\n/);
    expect(r.metricsText()).toContain('coredns_forward_healthcheck_failures_total{to="10.119.0.3:53"} 1');
    expect(r.metricsText()).toContain('coredns_forward_requests_total{to="10.119.0.3:53"} 1');
  });

  it('reload follows the RUNNING config: with `reload` it takes the new one, without it only a restart does', async () => {
    const { map, r } = await replica();
    await r.start('answer a.example.org 192.0.2.1\n', {});
    expect(r.reload('answer a.example.org 192.0.2.2\n', {})).toBe('ignored');
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 'a.example.org'))).toEqual(['192.0.2.1']);
    await r.start('answer a.example.org 192.0.2.2\nreload\n', {});
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 'a.example.org'))).toEqual(['192.0.2.2']);
    expect(r.reload('answer a.example.org 192.0.2.3\n', {})).toBe('reloaded');
    expect(r.loadedHash).toBe(corefileHash('answer a.example.org 192.0.2.3\n'));
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 'a.example.org'))).toEqual(['192.0.2.3']);
    // the config now running has no `reload`: further changes are ignored until a restart
    expect(r.reload('answer a.example.org 192.0.2.4\nreload\n', {})).toBe('ignored');
  });

  it('an invalid new Corefile keeps the old one running and counts a failed reload', async () => {
    const { map, r } = await replica();
    await r.start('answer a.example.org 192.0.2.1\nreload\n', {});
    const hash = r.loadedHash;
    expect(r.reload('bad\nreload\n', {})).toBe('failed');
    expect(r.loadedHash).toBe(hash);
    expect(r.metricsText()).toContain('coredns_reload_failed_total 1');
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 'a.example.org'))).toEqual(['192.0.2.1']);
  });

  it('a pod started with an invalid Corefile does not serve (crash loop); a not-ready pod does not serve', async () => {
    const { map, r } = await replica();
    await r.start('bad\n', {});
    expect(r.serving).toBe(false);
    expect(r.lastError).toMatch(/unknown directive "bad"/);
    await expect(ask(map, '10.245.4.17', '10.245.0.7', 'a.example.org', 'A', { timeoutMs: 300 })).rejects.toMatchObject({ reason: 'refused' });
  });

  it('ignores malformed packets', async () => {
    const { map, r } = await replica();
    await r.start('answer a.example.org 192.0.2.1\n', {});
    const junk = await r.handle(Buffer.from([1, 2, 3]), { ip: '10.245.4.17', port: 1, sourceIp: '10.245.4.17', host: '', hostPort: 1 }, 'udp');
    expect(junk).toBeNull();
    const response = await r.handle(dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: 'a.example.org', type: 'A' }] }), { ip: '10.245.4.17', port: 1, sourceIp: '10.245.4.17', host: '', hostPort: 1 }, 'udp');
    expect(response).toBeNull();
    expect(datas(await ask(map, '10.245.4.17', '10.245.0.7', 'a.example.org'))).toEqual(['192.0.2.1']);
  });
});
