/** The DnsWorld contract (src/lab/dns/dns-world.ts, as src/lab/pods/lab-dns-port.ts uses it) with the real Corefile engine and real sockets. */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabDnsWorld } from '../../../src/lab/dns/dns-world.js';
import { configHash, corefileHash } from '../../../src/lab/dns/coredns-replica.js';
import { imageVersion, resolvConfNameservers } from '../../../src/lab/dns/dns-world.js';
import type { ClusterState } from '../../../src/core/model/k8s.js';
import type { AddressMap } from '../../../src/lab/net/address-map.js';
import { ask, datas } from './dns-test-client.js';
import { startFixtureWorld } from './world-fixture.js';

let world: LabDnsWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const podResolv = 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 172.21.0.10\noptions ndots:5\n';
const podHosts = '127.0.0.1\tlocalhost\n172.20.0.219\tbusybox\n';

let setState: ((next: (s: ClusterState) => ClusterState) => void) | undefined;

async function start(file: string): Promise<AddressMap> {
  const started = await startFixtureWorld(file, { podFiles: () => ({ resolvConf: podResolv, hosts: podHosts }), toolTimeoutScale: 0.05 });
  world = started.world;
  setState = started.setState;
  return started.map;
}

/** The DNS Service's endpoints become `addresses`, as the EndpointSlice controller writes them after a rollout. */
function setDnsEndpoints(addresses: { ip: string; ready: boolean }[]): void {
  const { namespace, name } = world!.scenario.cluster.dnsService;
  setState!((s) => ({ ...s, endpoints: s.endpoints.map((e) => (e.namespace === namespace && e.service === name ? { ...e, addresses } : e)) }));
}

describe('DnsWorld', () => {
  it('reloadCorefile: replicas running `reload` take the new Corefile; the hash in metrics follows', async () => {
    const map = await start('split-horizon.yaml');
    const next = world!.scenario.coredns.corefile.replace('cache 30', 'cache 10');
    world!.reloadCorefile(next);
    expect(world!.loadedCorefileHash('coredns-a')).toBe(corefileHash(next));
    expect(world!.metricsText('coredns-a')).toContain(`value="${corefileHash(next)}"`);
    // an invalid Corefile is refused; the previous one keeps answering
    world!.reloadCorefile('.:53 {\n    forward . 10.0.0.1\n');
    expect(world!.loadedCorefileHash('coredns-a')).toBe(corefileHash(next));
    expect(world!.metricsText('coredns-a')).toContain('coredns_reload_failed_total 1');
    // a plugin setup error (forward without a destination) is refused the same way
    world!.reloadCorefile('.:53 {\n    forward\n    reload\n}\n');
    expect(world!.loadedCorefileHash('coredns-a')).toBe(corefileHash(next));
    expect(world!.metricsText('coredns-a')).toContain('coredns_reload_failed_total 2');
    expect(datas(await ask(map, '10.245.4.17', '10.96.0.10', 's3.cloud-b.example'))).toEqual(['10.118.163.249']);
  });

  it('reloadCustomFiles: coredns-custom keys are the files the Corefile imports; changing them reloads, as CoreDNS hashes the config after imports', async () => {
    const map = await start('split-horizon.yaml');
    const withImport = `${world!.scenario.coredns.corefile}\nimport custom/*.server\n`;
    world!.reloadCorefile(withImport);
    expect(world!.loadedCorefileHash('coredns-a')).toBe(corefileHash(withImport));
    const custom = { 'cloud-b.example.server': 'cloud-b.example:53 {\n    hosts {\n        192.0.2.55 s3.cloud-b.example\n    }\n}\n' };
    world!.reloadCustomFiles(custom);
    const hash = configHash(withImport, { 'custom/cloud-b.example.server': custom['cloud-b.example.server'] });
    expect(hash).not.toBe(corefileHash(withImport));
    expect(world!.loadedCorefileHash('coredns-a')).toBe(hash);
    expect(datas(await ask(map, '10.245.4.17', '10.96.0.10', 's3.cloud-b.example'))).toEqual(['192.0.2.55']);
    // A key the Corefile does not import changes nothing CoreDNS loads.
    world!.reloadCustomFiles({ ...custom, 'notes.txt': 'not imported' });
    expect(world!.loadedCorefileHash('coredns-a')).toBe(hash);
  });

  it('replicaLogs: start-up banner, reloads, and one `log` line per query once the Corefile has `log`', async () => {
    const map = await start('split-horizon.yaml');
    const first = world!.replicaLogs('coredns-a')!;
    expect(first).toContain(`.:53\n[INFO] plugin/reload: Running configuration SHA512 = ${corefileHash(world!.scenario.coredns.corefile)}\n`);
    const withLog = world!.scenario.coredns.corefile.replace('errors', 'errors\n        log');
    world!.reloadCorefile(withLog);
    await ask(map, '10.245.4.17', '10.96.0.10', 's3.cloud-b.example');
    const logs = world!.replicaLogs('coredns-a')!;
    expect(logs).toContain(`[INFO] Reloading\n.:53\n[INFO] plugin/reload: Running configuration SHA512 = ${corefileHash(withLog)}\n[INFO] Reloading complete\n`);
    expect(logs).toMatch(/\[INFO\] 10\.245\.4\.17:\d+ - \d+ "A IN s3\.cloud-b\.example\. udp \d+ false 512" NOERROR qr[a-z,]* \d+ [\d.]+s\n/);
  });

  it('without `reload`, a ConfigMap change waits for restartReplica', async () => {
    const map = await start('cross-node-blocked.yaml');
    const withHosts = world!.scenario.coredns.corefile.replace('cache 30', 'hosts {\n          198.51.100.9 legacy.example.org\n          fallthrough\n        }\n        cache 30');
    world!.reloadCorefile(withHosts);
    expect(world!.loadedCorefileHash('coredns-on-1')).toBe(corefileHash(world!.scenario.coredns.corefile));
    expect((await ask(map, '172.20.0.219', '172.20.0.205', 'legacy.example.org')).rcode).not.toBe('NOERROR');
    world!.restartReplica('coredns-on-1');
    await new Promise((r) => setTimeout(r, 50));
    expect(world!.loadedCorefileHash('coredns-on-1')).toBe(corefileHash(withHosts));
    expect(world!.loadedCorefileHash('coredns-on-2')).toBe(corefileHash(world!.scenario.coredns.corefile));
    expect(datas(await ask(map, '172.20.0.219', '172.20.0.205', 'legacy.example.org'))).toEqual(['198.51.100.9']);
  });

  it('setReplicas rolls CoreDNS out; with no ready replica the Service refuses at once', async () => {
    const map = await start('cross-node-blocked.yaml');
    // kube-proxy sends to the EndpointSlices' ready addresses: the rollout changes those and the replicas together.
    setDnsEndpoints([{ ip: '172.20.0.210', ready: true }]);
    await world!.setReplicas([{ name: 'coredns-new', node: 'ecs-1', ip: '172.20.0.210' }]);
    expect(world!.metricsText('coredns-on-1')).toBeUndefined();
    expect((await ask(map, '172.20.0.219', '172.21.0.10', 'nginx.default.svc.cluster.local')).rcode).toBe('NOERROR');
    setDnsEndpoints([{ ip: '172.20.0.210', ready: false }]);
    await world!.setReplicas([{ name: 'coredns-new', node: 'ecs-1', ip: '172.20.0.210', ready: false }]);
    await expect(ask(map, '172.20.0.219', '172.21.0.10', 'nginx.default.svc.cluster.local', 'A', { timeoutMs: 500 })).rejects.toMatchObject({ reason: 'refused' });
    await expect(ask(map, '172.20.0.219', '172.21.0.10', 'nginx.default.svc.cluster.local', 'A', { timeoutMs: 500, proto: 'tcp' })).rejects.toMatchObject({ reason: 'refused' });
  });

  it('runTool: getent, nslookup and dig print what the real tools print, from the pod\'s address', async () => {
    await start('cross-node-blocked.yaml');
    const pod = { namespace: 'default', name: 'busybox', ip: '172.20.0.219', node: 'ecs-1' };
    // direct to the replica on the pod's node
    const dig = await world!.runTool(pod, ['dig', '@172.20.0.205', 'nginx.default.svc.cluster.local', '+short']);
    expect(dig).toEqual({ stdout: '172.21.9.31\n', stderr: '', exitCode: 0 });
    const full = await world!.runTool(pod, ['dig', '@172.20.0.205', 'nginx.default.svc.cluster.local']);
    expect(full.stdout).toMatch(/status: NOERROR/);
    expect(full.stdout).toMatch(/;; SERVER: 172\.20\.0\.205#53\(172\.20\.0\.205\) \(UDP\)/);
    // the replica on the other node is blocked
    const blocked = await world!.runTool(pod, ['dig', '@172.20.0.146', 'nginx.default.svc.cluster.local']);
    expect(blocked.exitCode).toBe(9);
    expect(blocked.stdout).toContain(';; communications error to 172.20.0.146#53: timed out');
    const ns = await world!.runTool(pod, ['nslookup', 'nginx.default.svc.cluster.local', '172.20.0.205']);
    expect(ns.stdout).toContain('Name:\tnginx.default.svc.cluster.local\nAddress: 172.21.9.31\n');
    const nx = await world!.runTool(pod, ['nslookup', 'nope.default.svc.cluster.local', '172.20.0.205']);
    expect(nx.exitCode).toBe(1);
    expect(nx.stdout).toContain("** server can't find nope.default.svc.cluster.local: NXDOMAIN");
    const hosts = await world!.runTool(pod, ['getent', 'hosts', 'busybox']);
    expect(hosts).toEqual({ stdout: '172.20.0.219    busybox\n', stderr: '', exitCode: 0 });
    expect((await world!.runTool(pod, ['getent', 'passwdx', 'x'])).stderr).toContain('Unknown database: passwdx');
  });

  it('stop() closes every socket and timer it opened', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
    const map = await start('split-horizon.yaml');
    await ask(map, '10.245.4.17', '10.96.0.10', 's3.cloud-b.example');
    // DNS over TCP through the Service VIP (kube-proxy keeps the source: the answer is the same)
    expect(datas(await ask(map, '10.245.4.17', '10.96.0.10', 's3.cloud-b.example', 'A', { proto: 'tcp' }))).toEqual(['10.118.163.249']);
    await world!.stop();
    world = undefined;
    await new Promise((r) => setTimeout(r, 20));
    expect(process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length).toBeLessThanOrEqual(before);
  });

  it('reads the CoreDNS version from the image tag', () => {
    expect(imageVersion('registry.k8s.io/coredns/coredns:v1.11.3')).toBe('1.11.3');
    expect(imageVersion('coredns/coredns:1.8.7')).toBe('1.8.7');
    expect(imageVersion('coredns/coredns:latest')).toBeUndefined();
  });

  it('reads every nameserver of the node resolv.conf as CoreDNS does', () => {
    expect(resolvConfNameservers('nameserver 10.0.0.2\n# x\nnameserver fe80::1%eth0\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n')).toEqual(['10.0.0.2', 'fe80::1', '10.0.0.3', '10.0.0.4']);
  });
});
