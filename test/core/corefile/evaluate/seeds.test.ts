/** The five seed incidents' Corefiles (and their fixes) explained. */
import { describe, expect, it } from 'vitest';
import { explain } from '../../../../src/core/corefile/evaluate/index.js';
import { cluster, kubeadm, model, seed000HostsFix, seed000ViewFix, seed001, seed002, seed002NodeResolvers, seed003, seed004 } from './fixtures.js';

const devMasterResolvers = ['192.168.1.1'];

describe('seed 000: cloud-B endpoint resolved by CoreDNS on cloud A', () => {
  it('before the fix the endpoint is forwarded to the node resolvers of the CoreDNS node', () => {
    const e = explain(model(kubeadm), { name: 's3.cloudb.example', type: 'A', client: '10.245.4.8' }, { cluster, nodeResolvers: devMasterResolvers });
    expect(e.serverBlock).toMatchObject({ keys: ['.:53'], line: 1 });
    expect(e.plugin).toBe('forward');
    expect(e.forwardTo).toEqual([{ ip: '192.168.1.1', port: 53 }]);
    expect(e.policy).toBe('random');
    expect(e.steps.join('\n')).toContain("node's resolv.conf");
  });

  it('the hosts block written after forward still answers first (plugin.cfg order)', () => {
    const m = model(seed000HostsFix);
    const world = { cluster, nodeResolvers: devMasterResolvers };
    const e = explain(m, { name: 's3.cloudb.example', type: 'A', client: '10.245.4.8' }, world);
    expect(e.plugin).toBe('hosts');
    expect(e.rcode).toBe('NOERROR');
    expect(e.answers.map((a) => a.data).sort()).toEqual(['10.118.163.242', '10.118.163.243']);
    expect(e.forwardTo).toBeNull();
    expect(e.plugins.indexOf('hosts')).toBeLessThan(e.plugins.indexOf('forward'));
    // cache 30 caps the 3600 s hosts TTL.
    expect(e.cache).toMatchObject({ plugin: true, ttlSeconds: 30 });
    expect(e.answers.every((a) => a.ttl === 30)).toBe(true);
  });

  it('with the hosts fix, AAAA for the endpoint is NODATA from hosts (not forwarded)', () => {
    const e = explain(model(seed000HostsFix), { name: 's3.cloudb.example', type: 'AAAA', client: '10.245.4.8' }, { cluster, nodeResolvers: devMasterResolvers });
    expect(e.plugin).toBe('hosts');
    expect(e.rcode).toBe('NOERROR');
    expect(e.answers).toEqual([]);
    expect(e.summary).toContain('NODATA');
  });

  it('with the hosts fix, other names fall through to kubernetes and forward', () => {
    const m = model(seed000HostsFix);
    const world = { cluster, nodeResolvers: devMasterResolvers };
    expect(explain(m, { name: 'google.com', type: 'A', client: '10.245.4.8' }, world).plugin).toBe('forward');
    const k = explain(m, { name: 'mos-model.mos.svc.cluster.local', type: 'A', client: '10.245.4.8' }, world);
    expect(k.plugin).toBe('kubernetes');
    expect(k.answers.map((a) => a.data)).toEqual(['10.96.40.1']);
  });

  it('the view fix: a zone2 pod (10.245.5.x) gets the view block answer, other pods the default block', () => {
    const m = model(seed000ViewFix);
    const world = { cluster, nodeResolvers: devMasterResolvers };
    const zone2 = explain(m, { name: 's3.cloudb.example', type: 'A', client: '10.245.5.17' }, world);
    expect(zone2.view).toBe('zone2');
    expect(zone2.serverBlock).toMatchObject({ keys: ['.'], line: 1, index: 0 });
    expect(zone2.answers.map((a) => a.data).sort()).toEqual(['10.118.119.244', '10.118.119.245']);
    expect(zone2.viewsConsidered).toEqual([expect.objectContaining({ block: 0, view: 'zone2', matched: true })]);

    const zone1 = explain(m, { name: 's3.cloudb.example', type: 'A', client: '10.245.4.8' }, world);
    expect(zone1.view).toBeNull();
    expect(zone1.serverBlock).toMatchObject({ keys: ['.:53'], index: 1 });
    expect(zone1.answers.map((a) => a.data).sort()).toEqual(['10.118.163.242', '10.118.163.243']);
    expect(zone1.viewsConsidered).toEqual([expect.objectContaining({ view: 'zone2', matched: false })]);
    expect(zone1.viewsConsidered[0]!.reason).toContain("incidr(client_ip(), '10.245.5.0/24')");
  });
});

describe('seed 001: EKS default (kubernetes ttl defaults to 5)', () => {
  it('service answers carry TTL 5 and the cache keeps them 5 s', () => {
    const e = explain(model(seed001), { name: 'nginx.default.svc.cluster.local', type: 'A', client: '10.245.1.20' }, { cluster, nodeResolvers: ['172.20.0.2'] });
    expect(e.plugin).toBe('kubernetes');
    expect(e.answers).toEqual([{ name: 'nginx.default.svc.cluster.local.', type: 'A', ttl: 5, data: '10.96.12.7' }]);
    expect(e.cache.ttlSeconds).toBe(5);
  });

  it('search-list expansions inside cluster.local are NXDOMAIN from kubernetes, ec2.internal ones are forwarded', () => {
    const m = model(seed001);
    const world = { cluster, nodeResolvers: ['172.20.0.2'] };
    const a = explain(m, { name: 'google.com.default.svc.cluster.local', type: 'A', client: '10.245.1.20' }, world);
    expect(a).toMatchObject({ plugin: 'kubernetes', rcode: 'NXDOMAIN', forwardTo: null });
    const b = explain(m, { name: 'google.com.ec2.internal', type: 'A', client: '10.245.1.20' }, world);
    expect(b).toMatchObject({ plugin: 'forward', forwardTo: [{ ip: '172.20.0.2', port: 53 }] });
  });
});

describe('seed 002: node resolv.conf mixes internal and public resolvers', () => {
  it('forward . /etc/resolv.conf uses every nameserver of the node, policy random', () => {
    const e = explain(model(seed002), { name: 'a.corp.example', type: 'A', client: '172.17.5.163' }, { cluster, nodeResolvers: seed002NodeResolvers });
    expect(e.forwardTo).toEqual(seed002NodeResolvers.map((ip) => ({ ip, port: 53 })));
    expect(e.policy).toBe('random');
  });
});

describe('seed 003: directives in alphabetical order, pods verified', () => {
  it('runs the chain in plugin.cfg order regardless of Corefile order', () => {
    const e = explain(model(seed003), { name: 'nginx.default.svc.cluster.local', type: 'A', client: '10.245.1.20' }, { cluster, nodeResolvers: ['10.0.0.2'] });
    expect(e.plugins).toEqual(['reload', 'ready', 'health', 'prometheus', 'errors', 'log', 'loadbalance', 'autopath', 'cache', 'kubernetes', 'loop', 'forward']);
    expect(e.plugin).toBe('kubernetes');
    expect(e.answers[0]!.data).toBe('10.96.12.7');
  });

  it('pods verified answers only for pod IPs that exist in that namespace', () => {
    const m = model(seed003);
    const w = { cluster, nodeResolvers: ['10.0.0.2'] };
    expect(explain(m, { name: '10-245-1-20.default.pod.cluster.local', type: 'A', client: '10.245.1.20' }, w).answers.map((a) => a.data)).toEqual(['10.245.1.20']);
    expect(explain(m, { name: '10-245-1-99.default.pod.cluster.local', type: 'A', client: '10.245.1.20' }, w).rcode).toBe('NXDOMAIN');
    expect(explain(m, { name: '10-245-1-20.shop.pod.cluster.local', type: 'A', client: '10.245.1.20' }, w).rcode).toBe('NXDOMAIN');
  });
});

describe('seed 004: kubernetes oneprocloud.com shadows the company domain', () => {
  const world = { cluster, nodeResolvers: ['100.100.2.136'] };

  it('downloads.oneprocloud.com is NXDOMAIN with authority from kubernetes, not forwarded', () => {
    const e = explain(model(seed004), { name: 'downloads.oneprocloud.com', type: 'A', client: '10.245.1.20' }, world);
    expect(e.plugin).toBe('kubernetes');
    expect(e.rcode).toBe('NXDOMAIN');
    expect(e.forwardTo).toBeNull();
    expect(e.authority).toEqual([
      { name: 'oneprocloud.com.', type: 'SOA', ttl: 30, data: 'ns.dns.oneprocloud.com. hostmaster.oneprocloud.com. 1 7200 1800 86400 30' },
    ]);
    expect(e.cache).toMatchObject({ plugin: true, ttlSeconds: 30 });
  });

  it('www.baidu.com is outside the kubernetes zone and forwarded', () => {
    const e = explain(model(seed004), { name: 'www.baidu.com', type: 'A', client: '10.245.1.20' }, world);
    expect(e).toMatchObject({ plugin: 'forward', forwardTo: [{ ip: '100.100.2.136', port: 53 }] });
  });

  it('after the fix (cluster.local) the company name is forwarded', () => {
    const fixed = seed004.replace('kubernetes oneprocloud.com', 'kubernetes cluster.local');
    const e = explain(model(fixed), { name: 'downloads.oneprocloud.com', type: 'A', client: '10.245.1.20' }, world);
    expect(e.plugin).toBe('forward');
  });
});
