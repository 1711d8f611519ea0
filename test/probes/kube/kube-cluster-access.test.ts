import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, TransientError, parseForbiddenMessage } from '../../../src/core/cluster-access.js';
import { KubeClusterAccess } from '../../../src/probes/kube/kube-cluster-access.js';
import type { FakeApiServer, FakeOptions } from './fake-apiserver.js';
import { startFakeCluster } from './fake-cluster.js';

let fake: FakeApiServer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function setup(opts: FakeOptions = {}) {
  fake = await startFakeCluster(opts);
  return { fake, access: KubeClusterAccess.fromKubeconfigText(fake.kubeconfig(), undefined, { readRetries: 0 }) };
}

describe('KubeClusterAccess against the fake-apiserver (mocked cluster)', () => {
  it('lists pods with a label selector in one call and maps them to plain facts', async () => {
    const { fake, access } = await setup();
    const pods = await access.listPods('kube-system', { labelSelector: 'k8s-app=kube-dns' });
    expect(pods.map((p) => [p.name, p.node, p.ip, p.ready])).toEqual([
      ['coredns-5d78c-aaaaa', 'node-a', '10.244.1.2', true],
      ['coredns-5d78c-bbbbb', 'node-b', '10.244.2.2', true],
    ]);
    expect(pods[0]!.directOwner).toEqual({ kind: 'ReplicaSet', name: 'coredns-5d78c' });
    const req = fake.requests.at(-1)!;
    expect(req.path).toBe('/api/v1/namespaces/kube-system/pods');
    expect(req.query.get('labelSelector')).toBe('k8s-app=kube-dns');
    expect(access.apiRequests).toBe(1);
  });

  it('resolves a ReplicaSet owner to its Deployment', async () => {
    const { access } = await setup();
    expect(await access.resolveOwner('shop', { kind: 'ReplicaSet', name: 'web-6f7d9' })).toEqual({ kind: 'Deployment', name: 'web' });
    expect(await access.resolveOwner('shop', { kind: 'StatefulSet', name: 'db' })).toEqual({ kind: 'StatefulSet', name: 'db' });
  });

  it('reads nodes with zones, services, EndpointSlices, namespaces with labels', async () => {
    const { access } = await setup();
    const nodes = await access.listNodes();
    expect(nodes.find((n) => n.name === 'node-a')).toMatchObject({ ip: '192.168.1.10', zone: 'zone-a', region: 'r1', podCIDR: '10.244.1.0/24' });
    const svc = await access.readService('kube-system', 'kube-dns');
    expect(svc).toMatchObject({ clusterIP: '10.96.0.10', type: 'ClusterIP' });
    const eps = await access.listServiceEndpoints('kube-system', 'kube-dns');
    expect(eps).toHaveLength(1);
    expect(eps[0]!.addresses.map((a) => [a.ip, a.nodeName, a.zone, a.targetPod?.name])).toEqual([
      ['10.244.1.2', 'node-a', 'zone-a', 'coredns-5d78c-aaaaa'],
      ['10.244.2.2', 'node-b', 'zone-b', 'coredns-5d78c-bbbbb'],
    ]);
    const ns = await access.listNamespaces();
    expect(ns.find((n) => n.name === 'shop')?.labels.team).toBe('shop');
  });

  it('falls back to core Endpoints when EndpointSlices are not served', async () => {
    const { fake, access } = await setup({ noEndpointSlices: true });
    const eps = await access.listServiceEndpoints('kube-system', 'kube-dns');
    expect(eps[0]!.addresses.map((a) => a.ip)).toEqual(['10.244.1.2']);
    expect(fake.requests.some((r) => r.path === '/api/v1/namespaces/kube-system/endpoints/kube-dns')).toBe(true);
  });

  it('execs an argv over WebSocket and returns stdout and the exit code', async () => {
    const { fake, access } = await setup({
      exec: (c) => (c.argv[0] === 'cat' ? { stdout: `nameserver 10.96.0.10\n`, exitCode: 0 } : { stderr: 'not found', exitCode: 127 }),
    });
    const ok = await access.exec('shop', 'web-6f7d9-zz9q1', 'main', ['cat', '/etc/resolv.conf']);
    expect(ok).toEqual({ stdout: 'nameserver 10.96.0.10\n', stderr: '', exitCode: 0 });
    const missing = await access.exec('shop', 'web-6f7d9-zz9q1', 'main', ['getent', 'ahosts', 'x; rm -rf /']);
    expect(missing.exitCode).toBe(127);
    // The argument travelled as one argv element, never through a shell.
    expect(fake.execCalls.at(-1)!.argv).toEqual(['getent', 'ahosts', 'x; rm -rf /']);
  });

  it('turns an exec stream that closes without a status into a TransientError', async () => {
    const { access } = await setup({ exec: () => 'close-without-status' });
    await expect(access.exec('shop', 'web-6f7d9-zz9q1', 'main', ['cat', '/etc/hosts'])).rejects.toBeInstanceOf(TransientError);
  });

  it('maps RBAC denials to ForbiddenError naming verb, resource, subresource and namespace', async () => {
    const { access } = await setup({ deny: ['list pods kube-system', 'create pods/exec shop'] });
    const e1 = await access.listPods('kube-system').catch((e) => e);
    expect(e1).toBeInstanceOf(ForbiddenError);
    expect(e1).toMatchObject({ verb: 'list', resource: 'pods', namespace: 'kube-system' });
    // The paged scan reads plain JSON outside client-node's API classes: its denials map the same way.
    const e0 = await access.scanPods('kube-system', { pageSize: 10 }, () => undefined).catch((e) => e);
    expect(e0).toBeInstanceOf(ForbiddenError);
    expect(e0).toMatchObject({ verb: 'list', resource: 'pods', namespace: 'kube-system' });
    const e2 = await access.exec('shop', 'web-6f7d9-zz9q1', 'main', ['cat', '/etc/hosts']).catch((e) => e);
    expect(e2).toBeInstanceOf(ForbiddenError);
    // A refused WebSocket upgrade has no readable Status: both verbs exec needs are named.
    expect(e2).toMatchObject({ verb: 'get,create', resource: 'pods', subresource: 'exec', namespace: 'shop' });
    expect((e2 as ForbiddenError).permission).toBe('get,create pods/exec in namespace shop');
  });

  it('maps 404 to NotFoundError', async () => {
    const { access } = await setup();
    await expect(access.readPod('shop', 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('patches a ConfigMap with a merge patch, honours dryRun and the resourceVersion precondition', async () => {
    const { fake, access } = await setup();
    const cm = await access.readConfigMap('kube-system', 'coredns');
    const dry = await access.patchConfigMapData('kube-system', 'coredns', { Corefile: 'x' }, { resourceVersion: cm.resourceVersion, dryRun: true });
    expect(dry.data.Corefile).toBe('x');
    expect((await access.readConfigMap('kube-system', 'coredns')).data.Corefile).toBe(cm.data.Corefile);
    const patchReq = fake.requests.find((r) => r.method === 'PATCH')!;
    expect(patchReq.contentType).toBe('application/merge-patch+json');
    expect(patchReq.query.get('dryRun')).toBe('All');
    const done = await access.patchConfigMapData('kube-system', 'coredns', { Corefile: 'y' }, { resourceVersion: cm.resourceVersion });
    expect(done.resourceVersion).not.toBe(cm.resourceVersion);
    await expect(access.patchConfigMapData('kube-system', 'coredns', { Corefile: 'z' }, { resourceVersion: cm.resourceVersion })).rejects.toBeInstanceOf(ConflictError);
  });

  it('reads CoreDNS metrics through pods/proxy on NAME:9153', async () => {
    const { fake, access } = await setup({ metrics: (p) => `coredns_dns_requests_total{server="dns://:53"} 5\n# ${p}\n` });
    const text = await access.podProxyGet('kube-system', 'coredns-5d78c-aaaaa', 9153, '/metrics');
    expect(text).toContain('coredns_dns_requests_total');
    expect(fake.requests.at(-1)!.path).toBe('/api/v1/namespaces/kube-system/pods/coredns-5d78c-aaaaa:9153/proxy/metrics');
  });

  it('patches a workload template with a strategic merge patch and restarts a Deployment', async () => {
    const { fake, access } = await setup();
    const d = await access.readWorkload('Deployment', 'shop', 'web');
    expect(d.selector).toEqual({ app: 'web' });
    await access.patchWorkload('Deployment', 'shop', 'web', { spec: { template: { spec: { dnsConfig: { options: [{ name: 'ndots', value: '2' }] } } } } }, { resourceVersion: d.resourceVersion });
    expect(fake.requests.at(-1)!.contentType).toBe('application/strategic-merge-patch+json');
    const after = await access.restartDeployment('kube-system', 'coredns');
    expect((after.template.metadata as { annotations: Record<string, string> }).annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);
  });

  it('counts every request, including retries of transient read failures', async () => {
    fake = await startFakeCluster();
    const access = KubeClusterAccess.fromKubeconfigText(fake.kubeconfig(), undefined, { readRetries: 1 });
    await fake.stop();
    const err = await access.listNodes().catch((e) => e);
    fake = undefined;
    expect(err).toBeInstanceOf(TransientError);
    expect(access.apiRequests).toBe(2);
  });
});

describe('KubeClusterAccess.fromKubeconfig', () => {
  it('names the file or the context that cannot be used', async () => {
    expect(() => KubeClusterAccess.fromKubeconfig('/nonexistent/kubeconfig')).toThrow(/kubeconfig \/nonexistent\/kubeconfig cannot be loaded/);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'kube-test-'));
    const f = join(dir, 'config');
    writeFileSync(f, 'apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "http://127.0.0.1:1", insecure-skip-tls-verify: true } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: lab, context: { cluster: c, user: u } }]\ncurrent-context: lab\n');
    expect(() => KubeClusterAccess.fromKubeconfig(f, 'prod')).toThrow('kubeconfig has no context "prod" (known: lab)');
    expect(KubeClusterAccess.fromKubeconfig(f, 'lab').contextName()).toBe('lab');
  });
});

describe('parseForbiddenMessage', () => {
  it('reads namespaced, cluster-scoped and subresource permissions', () => {
    expect(parseForbiddenMessage('pods "x" is forbidden: User "u" cannot create resource "pods/exec" in API group "" in the namespace "default"')).toEqual({
      verb: 'create',
      resource: 'pods',
      subresource: 'exec',
      namespace: 'default',
    });
    expect(parseForbiddenMessage('nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope')).toEqual({ verb: 'list', resource: 'nodes' });
    expect(parseForbiddenMessage('something else')).toBeUndefined();
  });
});
