import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../../src/core/model/index.js';
import { gatherEvidence, PodNotFoundError, type GatherOptions } from '../../../src/probes/gather/gather-evidence.js';
import { KubeClusterAccess } from '../../../src/probes/kube/kube-cluster-access.js';
import type { FakeApiServer, FakeOptions, Obj } from '../kube/fake-apiserver.js';
import { startFakeCluster } from '../kube/fake-cluster.js';
import { startLoopbackDns, type LoopbackDns } from '../kube/loopback-dns.js';

let fake: FakeApiServer | undefined;
let net: LoopbackDns;
beforeAll(async () => {
  net = await startLoopbackDns();
});
afterAll(async () => {
  await net.stop();
});
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
  net.asked.length = 0;
});

const resolvConf = 'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n';
const hosts = '127.0.0.1\tlocalhost\n# Entries added by HostAliases.\n10.1.1.1\tlegacy.internal\n';

/** Pod side of the fake: cat works, getent is absent, nslookup answers. */
function podExec(c: { argv: string[] }) {
  if (c.argv[0] === 'cat' && c.argv[1] === '/etc/resolv.conf') return { stdout: resolvConf, exitCode: 0 };
  if (c.argv[0] === 'cat' && c.argv[1] === '/etc/hosts') return { stdout: hosts, exitCode: 0 };
  if (c.argv[0] === 'nslookup') return { stdout: `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\t${c.argv[1]}\nAddress: 10.9.8.7\n`, exitCode: 0 };
  return { stderr: `exec: "${c.argv[0]}": executable file not found in $PATH`, exitCode: 127 };
}

/** What a probe pod prints: one dns-query per mode, echoing what it was asked. */
function probeOutput(spec: Obj, pod: Obj): string {
  const base = { id: 'x', from: { kind: 'worker' }, at: new Date().toISOString(), ms: 3 };
  if (spec.mode === 'node-view') {
    return JSON.stringify({
      evidence: [
        { ...base, kind: 'node-resolv-conf', node: pod.spec.nodeName, text: 'nameserver 192.168.0.2\n', nameservers: ['192.168.0.2'] },
        ...(spec.upstreams ?? []).map((u: Obj) => ({ ...base, kind: 'dns-query', resolver: { ip: u.ip, port: u.port ?? 53, role: 'upstream', seenFromNodes: [pod.spec.nodeName] }, qname: spec.name, qtype: 'A', transport: 'udp', outcome: 'answer', rcode: 'NOERROR', answers: [], authority: [], latencyMs: 1, tries: 1 })),
      ],
    });
  }
  return JSON.stringify({
    evidence: [{ ...base, kind: 'dns-query', resolver: { ip: spec.dnsServiceIp, port: 53, role: 'dns-service' }, qname: spec.name, qtype: 'A', transport: 'udp', outcome: 'answer', rcode: 'NOERROR', answers: [], authority: [], latencyMs: 2, tries: 1 }],
  });
}

const metricsText = (pod: string) =>
  `# TYPE coredns_dns_requests_total counter\ncoredns_dns_requests_total{server="dns://:53",zone=".",proto="udp",family="1",type="A"} 120\ncoredns_dns_responses_total{server="dns://:53",zone=".",rcode="NXDOMAIN"} 7\ncoredns_reload_version_info{hash="sha512",value="${pod.endsWith('a') ? 'aaa' : 'bbb'}"} 1\n`;

async function setup(opts: FakeOptions = {}) {
  fake = await startFakeCluster({ exec: podExec, probe: probeOutput, metrics: metricsText, ...opts });
  return { fake, access: KubeClusterAccess.fromKubeconfigText(fake.kubeconfig(), undefined, { readRetries: 0 }) };
}

const fast: Partial<GatherOptions> = { pollMs: 20, burst: { count: 10, concurrency: 2 } };
const kinds = (ev: Evidence[]) => ev.map((e) => e.kind);
const probePodsLeft = (f: FakeApiServer) => f.list('pods').filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'dnswhy-probe');

describe('gatherEvidence against the fake-apiserver (mocked cluster)', () => {
  it('gathers every kind of evidence for ns/pod, numbers it e1..eN, and cleans up its probe pods', async () => {
    const { fake, access } = await setup();
    const steps: string[] = [];
    let early: Evidence[] = [];
    const r = await gatherEvidence(access, { pod: 'shop/web-6f7d9-zz9q1', name: 's3.cloud-b.example' }, { network: net.network, ...fast, onProgress: (s) => steps.push(s), onEarlyEvidence: (e) => (early = e.evidence) });
    // Early evidence: the API reads and exec results, a prefix of the final list (same ids).
    expect(kinds(early)).not.toContain('dns-query');
    expect(kinds(early)).toContain('resolv-conf');
    expect(r.evidence.slice(0, early.length)).toEqual(early);
    expect(r.pod).toMatchObject({ namespace: 'shop', name: 'web-6f7d9-zz9q1', node: 'node-b', zone: 'zone-b', owner: { kind: 'Deployment', name: 'web' } });
    expect(r.resolvedFrom).toBeUndefined();
    expect(r.evidence.map((e) => e.id)).toEqual(r.evidence.map((_, i) => `e${i + 1}`));
    for (const k of ['pod', 'nodes', 'endpoints', 'corefile', 'services', 'network-policies', 'nodelocaldns', 'resolv-conf', 'hosts-file', 'tool-output', 'dns-query', 'node-resolv-conf', 'metrics'] as const) {
      expect(kinds(r.evidence), k).toContain(k);
    }
    expect(kinds(r.evidence)).not.toContain('probe-error');
    const endpoints = r.evidence.find((e) => e.kind === 'endpoints')!;
    expect(endpoints.kind === 'endpoints' && endpoints.endpoints.map((e) => [e.ip, e.pod, e.zone])).toEqual([
      ['10.244.1.2', 'coredns-5d78c-aaaaa', 'zone-a'],
      ['10.244.2.2', 'coredns-5d78c-bbbbb', 'zone-b'],
    ]);
    const netpol = r.evidence.filter((e) => e.kind === 'network-policies');
    expect(netpol.map((e) => e.kind === 'network-policies' && e.namespace)).toEqual(['shop', 'kube-system']);
    const shopPol = netpol[0]!;
    expect(shopPol.kind === 'network-policies' && [shopPol.policies.length, shopPol.podLabels, shopPol.namespaceLabels['kube-system'], Object.keys(shopPol.corednsPodLabels ?? {})]).toEqual([
      1,
      { app: 'web' },
      { 'kubernetes.io/metadata.name': 'kube-system' },
      ['coredns-5d78c-aaaaa', 'coredns-5d78c-bbbbb'],
    ]);
    const hostsEv = r.evidence.find((e) => e.kind === 'hosts-file');
    expect(hostsEv?.kind === 'hosts-file' && hostsEv.entries).toContainEqual({ ip: '10.1.1.1', names: ['legacy.internal'] });
    const tool = r.evidence.find((e) => e.kind === 'tool-output');
    expect(tool).toMatchObject({ tool: 'nslookup', argv: ['nslookup', 's3.cloud-b.example'], parsed: { addresses: ['10.9.8.7'], server: '10.96.0.10' } });
    const metrics = r.evidence.filter((e) => e.kind === 'metrics');
    expect(metrics.map((m) => m.kind === 'metrics' && [m.pod, m.metrics.requests, m.metrics.reloadHash])).toEqual([
      ['coredns-5d78c-aaaaa', 120, 'aaa'],
      ['coredns-5d78c-bbbbb', 120, 'bbb'],
    ]);
    // Twin probe: origin is the probe pod, twin of the target.
    const twinQuery = r.evidence.find((e) => e.kind === 'dns-query' && e.resolver.role === 'dns-service');
    expect(twinQuery?.from).toMatchObject({ kind: 'probe-pod', namespace: 'shop', node: 'node-b', twinOf: 'shop/web-6f7d9-zz9q1' });
    // Node-view probes on the target's node and each CoreDNS node (distinct): node-b and node-a,
    // asked for the Corefile's explicit upstream of cloud-b.example.
    const nodeViews = r.evidence.filter((e) => e.kind === 'node-resolv-conf');
    // Where the probe pod ran (the diagnosed pod's namespace: no probe namespace here), for the checks
    // to judge what that namespace's NetworkPolicies let it see.
    const nodeViewLabels = { 'app.kubernetes.io/name': 'dnswhy-probe', 'app.kubernetes.io/managed-by': 'dnswhy', 'dnswhy.io/role': 'node-view' };
    expect(nodeViews.map((e) => e.from).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { kind: 'node', name: 'node-a', ip: '192.168.1.10', probePod: { namespace: 'shop', labels: nodeViewLabels } },
      { kind: 'node', name: 'node-b', ip: '192.168.2.10', probePod: { namespace: 'shop', labels: nodeViewLabels } },
    ]);
    const upstreamQs = r.evidence.filter((e) => e.kind === 'dns-query' && e.resolver.role === 'upstream');
    expect(upstreamQs.map((e) => e.kind === 'dns-query' && e.resolver.ip)).toEqual(['192.168.7.2', '192.168.7.2']);
    // Probe pods: created as twins, all deleted afterwards.
    const created = fake.requests.filter((q) => q.method === 'POST' && q.path === '/api/v1/namespaces/shop/pods').map((q) => q.body as Obj);
    expect(created).toHaveLength(3);
    const twin = created.find((p) => p.metadata.labels['dnswhy.io/role'] === 'twin')!;
    expect(twin.spec).toMatchObject({ nodeName: 'node-b', dnsPolicy: 'ClusterFirst', restartPolicy: 'Never', hostAliases: [{ ip: '10.1.1.1', hostnames: ['legacy.internal'] }] });
    expect(twin.spec.containers[0].image).toBe('ghcr.io/dnswhy/dnswhy:0.1.0');
    expect(twin.spec.containers[0].command.slice(0, 3)).toEqual(['dnswhy', 'probe', '--spec']);
    expect(JSON.parse(twin.spec.containers[0].command[3])).toMatchObject({ mode: 'twin', name: 's3.cloud-b.example', dnsServiceIp: '10.96.0.10', tcpPorts: [80, 443], libc: 'glibc' });
    expect(created.filter((p) => p.metadata.labels['dnswhy.io/role'] === 'node-view').map((p) => p.spec.dnsPolicy)).toEqual(['Default', 'Default']);
    expect(probePodsLeft(fake)).toEqual([]);
    // The probe pods answered, so the worker asked nothing itself.
    expect(net.asked).toEqual([]);
    expect(r.apiRequests).toBe(fake.requests.length);
    expect(steps[0]).toMatch(/resolving pod/);
    expect(steps.at(-1)).toBe('evidence gathered');
  });

  it('resolves deploy/name to a Ready pod and says so', async () => {
    const { access } = await setup();
    const r = await gatherEvidence(access, { pod: 'deploy/web', namespace: 'shop', name: 'api.shop', port: 8080 }, { network: net.network, ...fast, probeMode: 'none' });
    expect(r.pod.name).toBe('web-6f7d9-zz9q1');
    expect(r.resolvedFrom).toBe('deploy/web');
  });

  it('resolves a unique prefix and a bare pod name with -n', async () => {
    const { access } = await setup();
    const a = await gatherEvidence(access, { pod: 'work', namespace: 'shop', name: 'x.example' }, { network: net.network, ...fast, probeMode: 'none' });
    expect([a.pod.name, a.resolvedFrom]).toEqual(['worker-0', 'prefix work']);
    const b = await gatherEvidence(access, { pod: 'worker-0', namespace: 'shop', name: 'x.example' }, { network: net.network, ...fast, probeMode: 'none' });
    expect([b.pod.name, b.resolvedFrom]).toEqual(['worker-0', undefined]);
  });

  it('throws PodNotFoundError with the closest names for an unknown pod or an ambiguous prefix', async () => {
    const { access } = await setup();
    const e1 = await gatherEvidence(access, { pod: 'shop/wrker-0', name: 'x' }, { network: net.network }).catch((e) => e);
    expect(e1).toBeInstanceOf(PodNotFoundError);
    expect((e1 as PodNotFoundError).candidates[0]).toBe('shop/worker-0');
    const e2 = await gatherEvidence(access, { pod: 'web-6f7d9', namespace: 'shop', name: 'x' }, { network: net.network }).catch((e) => e);
    expect(e2).toBeInstanceOf(PodNotFoundError);
    expect((e2 as PodNotFoundError).candidates).toEqual(['shop/web-6f7d9-k2x8p', 'shop/web-6f7d9-zz9q1']);
    const e3 = await gatherEvidence(access, { pod: 'deploy/wbe', namespace: 'shop', name: 'x' }, { network: net.network }).catch((e) => e);
    expect(e3).toBeInstanceOf(PodNotFoundError);
    expect((e3 as PodNotFoundError).candidates[0]).toBe('deploy/web');
  });

  it('turns RBAC denials into probe-errors naming the missing verb and resource', async () => {
    const { fake, access } = await setup({ deny: ['create pods/exec shop', 'create pods shop', 'get pods/proxy kube-system', 'list networkpolicies *'] });
    const r = await gatherEvidence(access, { pod: 'shop/web-6f7d9-zz9q1', name: 'api.shop' }, { network: net.network, ...fast });
    const errs = r.evidence.filter((e) => e.kind === 'probe-error');
    const rbac = errs.map((e) => e.kind === 'probe-error' && e.rbac && `${e.rbac.verb} ${e.rbac.resource}${e.rbac.subresource ? `/${e.rbac.subresource}` : ''} ${e.rbac.namespace}`);
    expect(rbac).toContain('get,create pods/exec shop');
    expect(rbac).toContain('create pods shop');
    expect(rbac).toContain('get pods/proxy kube-system');
    expect(rbac).toContain('list networkpolicies shop');
    const execErr = errs.find((e) => e.kind === 'probe-error' && e.probe === 'exec cat /etc/resolv.conf');
    expect(execErr).toMatchObject({ what: expect.stringContaining('resolv.conf'), reason: expect.stringContaining('get,create pods/exec in namespace shop') });
    // Nothing was created, so nothing to delete.
    expect(fake.requests.filter((q) => q.method === 'DELETE')).toEqual([]);
    // What the probe pods could not ask, the worker asked itself (marked as the worker's view).
    const workerQs = r.evidence.filter((e) => e.kind === 'dns-query' && e.from.kind === 'worker');
    expect(workerQs.map((e) => e.kind === 'dns-query' && `${e.resolver.role} ${e.resolver.ip} ${e.answers.map((a) => a.data)}`)).toEqual([
      'dns-service 10.96.0.10 10.9.8.7',
      'coredns-endpoint 10.244.1.2 10.9.8.7',
      'coredns-endpoint 10.244.2.2 10.9.8.7',
    ]);
    expect(net.asked.sort()).toEqual(['10.244.1.2', '10.244.2.2', '10.96.0.10']);
    // What could be read still was.
    expect(kinds(r.evidence)).toContain('corefile');
  });

  it('deletes probe pods that never finish, and reports the timeout', async () => {
    const { fake, access } = await setup({ probe: () => 'hang' });
    const r = await gatherEvidence(access, { pod: 'shop/web-6f7d9-zz9q1', name: 'api.shop' }, { network: net.network, ...fast, timeouts: { deepMs: 1200 } });
    const errs = r.evidence.filter((e) => e.kind === 'probe-error' && /probe/.test(e.probe));
    expect(errs.length).toBe(3);
    expect(errs[0]).toMatchObject({ reason: expect.stringMatching(/was still Pending after \d+ ms \(ContainerCreating: /) });
    expect(fake.requests.filter((q) => q.method === 'DELETE')).toHaveLength(3);
    expect(probePodsLeft(fake)).toEqual([]);
  });

  it('deletes probe pods that fail, and says why', async () => {
    const { fake, access } = await setup({ probe: () => ({ fail: 'panic: no network' }) });
    const r = await gatherEvidence(access, { pod: 'shop/web-6f7d9-zz9q1', name: 'api.shop' }, { network: net.network, ...fast });
    const twinErr = r.evidence.find((e) => e.kind === 'probe-error' && e.probe === 'twin probe pod');
    expect(twinErr).toMatchObject({ reason: expect.stringMatching(/probe pod failed \(exit 1, Error\).*panic: no network/) });
    expect(probePodsLeft(fake)).toEqual([]);
  });

  it('runs the deep probe in an ephemeral container when asked', async () => {
    const { fake, access } = await setup();
    const r = await gatherEvidence(access, { pod: 'shop/worker-0', name: 'api.shop' }, { network: net.network, ...fast, probeMode: 'ephemeral', nodeView: false });
    const q = r.evidence.find((e) => e.kind === 'dns-query');
    expect(q?.from).toMatchObject({ kind: 'pod', namespace: 'shop', name: 'worker-0' });
    const patch = fake.requests.find((x) => x.path.endsWith('/ephemeralcontainers'))!;
    const ec = (patch.body as Obj).spec.ephemeralContainers[0];
    expect(JSON.parse(ec.command[3])).toMatchObject({ mode: 'twin', libc: 'musl' });
    expect(fake.requests.filter((x) => x.method === 'POST')).toEqual([]);
  });
});
