import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClusterAccess } from '../../../src/probes/kube/kube-cluster-access.js';
import { startTestLab, statusOf, type TestLab } from '../helpers/test-lab.js';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab();
});
afterAll(async () => {
  await t.lab.stop();
});

const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('lab API server: discovery', () => {
  it('serves /version, /api, /apis and every group version kubectl asks for', async () => {
    const version = await (await t.raw('/version?timeout=5s')).json();
    expect(version).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.4' });
    expect(await (await t.raw('/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await (await t.raw('/apis')).json()) as any;
    expect(groups.groups.map((g: any) => g.name).sort()).toEqual(['apps', 'batch', 'discovery.k8s.io', 'monitoring.coreos.com', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io']);
    const core = (await (await t.raw('/api/v1')).json()) as any;
    expect(core.resources.map((r: any) => r.name)).toEqual(
      expect.arrayContaining(['pods', 'pods/exec', 'pods/log', 'pods/proxy', 'pods/ephemeralcontainers', 'services', 'endpoints', 'configmaps', 'nodes', 'namespaces']),
    );
    expect(core.resources.find((r: any) => r.name === 'pods')).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'] });
    for (const gv of ['apps/v1', 'discovery.k8s.io/v1', 'networking.k8s.io/v1']) {
      const list = (await (await t.raw(`/apis/${gv}`)).json()) as any;
      expect(list).toMatchObject({ kind: 'APIResourceList', groupVersion: gv });
    }
    expect((await t.raw('/apis/batch/v1')).status).toBe(200);
    expect((await t.raw('/apis/autoscaling/v2')).status).toBe(404);
  });
});

describe('lab API server: get and list with client-node', () => {
  it('lists namespaces and nodes with zone labels', async () => {
    const ns = await t.core.listNamespace();
    expect(ns.items.map((n) => n.metadata!.name)).toEqual(['default', 'dnswhy', 'kube-node-lease', 'kube-public', 'kube-system', 'shop']);
    const nodes = await t.core.listNode();
    expect(nodes.items.map((n) => [n.metadata!.name, n.metadata!.labels!['topology.kubernetes.io/zone'], n.spec!.podCIDR])).toEqual([
      ['node-a', 'zone-a', '10.244.1.0/24'],
      ['node-b', 'zone-b', '10.244.2.0/24'],
    ]);
    expect(nodes.items[0]!.status!.addresses).toContainEqual({ type: 'InternalIP', address: '10.0.0.10' });
  });

  it('reads a pod with its scenario spec, IP, node and owner chain', async () => {
    const pod = await t.core.readNamespacedPod({ namespace: 'shop', name: 'web-6c9f7b5d8-x2k4p' });
    expect(pod.status!.podIP).toBe('10.244.1.17');
    expect(pod.status!.phase).toBe('Running');
    expect(pod.spec!.nodeName).toBe('node-a');
    expect(pod.spec!.hostAliases).toEqual([{ ip: '10.1.2.3', hostnames: ['legacy.corp.example', 'legacy'] }]);
    expect(pod.metadata!.labels).toEqual({ app: 'web', 'pod-template-hash': '6c9f7b5d8' });
    expect(pod.metadata!.ownerReferences![0]).toMatchObject({ kind: 'ReplicaSet', name: 'web-6c9f7b5d8' });
    const rs = await t.apps.readNamespacedReplicaSet({ namespace: 'shop', name: 'web-6c9f7b5d8' });
    expect(rs.metadata!.ownerReferences![0]).toMatchObject({ kind: 'Deployment', name: 'web' });
    const deploy = await t.apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    expect(deploy.spec!.template.spec!.hostAliases).toEqual(pod.spec!.hostAliases);
    expect(deploy.status!.readyReplicas).toBe(1);
  });

  it('has CoreDNS pods, Deployment, ConfigMap and the DNS Service with 53/UDP, 53/TCP and 9153/TCP', async () => {
    const pods = await t.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
    expect(pods.items.map((p) => [p.metadata!.name, p.status!.podIP, p.spec!.nodeName])).toEqual([
      ['coredns-5d78c9869d-aaaaa', '10.244.1.2', 'node-a'],
      ['coredns-5d78c9869d-bbbbb', '10.244.2.2', 'node-b'],
    ]);
    const svc = await t.core.readNamespacedService({ namespace: 'kube-system', name: 'kube-dns' });
    expect(svc.spec!.clusterIP).toBe('10.96.0.10');
    expect(svc.spec!.ports!.map((p) => `${p.port}/${p.protocol}`)).toEqual(['53/UDP', '53/TCP', '9153/TCP']);
    const cm = await t.core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'coredns' });
    expect(cm.data!.Corefile).toContain('forward . /etc/resolv.conf');
    expect((await t.apps.readNamespacedDeployment({ namespace: 'kube-system', name: 'coredns' })).spec!.replicas).toBe(2);
  });

  it('derives Endpoints and EndpointSlices from selectors and ready pods', async () => {
    const eps = await t.core.readNamespacedEndpoints({ namespace: 'kube-system', name: 'kube-dns' });
    expect(eps.subsets![0]!.addresses!.map((a) => [a.ip, a.nodeName, a.targetRef!.name])).toEqual([
      ['10.244.1.2', 'node-a', 'coredns-5d78c9869d-aaaaa'],
      ['10.244.2.2', 'node-b', 'coredns-5d78c9869d-bbbbb'],
    ]);
    const slices = await t.discovery.listNamespacedEndpointSlice({ namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' });
    expect(slices.items).toHaveLength(1);
    expect(slices.items[0]!.endpoints.map((e) => [e.addresses[0], e.conditions!.ready, e.nodeName, e.zone])).toEqual([
      ['10.244.1.2', true, 'node-a', 'zone-a'],
      ['10.244.2.2', true, 'node-b', 'zone-b'],
    ]);
    expect(slices.items[0]!.ports!.map((p) => p.port)).toEqual([53, 53, 9153]);
    const web = await t.core.readNamespacedEndpoints({ namespace: 'shop', name: 'web' });
    expect(web.subsets![0]!.addresses!.map((a) => a.ip)).toEqual(['10.244.1.17']);
    const svc = await t.core.readNamespacedService({ namespace: 'shop', name: 'legacy' });
    expect(svc.spec).toMatchObject({ type: 'ExternalName', externalName: 'db.corp.example' });
  });

  it('lists network policies as given', async () => {
    const np = await t.net.listNamespacedNetworkPolicy({ namespace: 'shop' });
    expect(np.items.map((p) => p.metadata!.name)).toEqual(['deny-egress']);
    expect(np.items[0]!.spec!.policyTypes).toEqual(['Egress']);
  });

  it('filters by label selectors (=, !=, in, notin, exists, !key)', async () => {
    const names = async (labelSelector: string) => (await t.core.listPodForAllNamespaces({ labelSelector })).items.map((p) => p.metadata!.name);
    expect(await names('app=web')).toEqual(['web-6c9f7b5d8-x2k4p']);
    expect(await names('k8s-app in (kube-dns,other)')).toHaveLength(2);
    expect(await names('app!=web')).toEqual(['coredns-5d78c9869d-aaaaa', 'coredns-5d78c9869d-bbbbb', 'tools']);
    expect(await names('!app,!k8s-app')).toEqual(['tools']);
    expect(await names('k8s-app notin (kube-dns)')).toEqual(['tools', 'web-6c9f7b5d8-x2k4p']);
    expect(await names('app')).toEqual(['web-6c9f7b5d8-x2k4p']);
  });

  it('filters by field selectors (metadata.name, spec.nodeName, status.phase) and rejects unknown fields with 400', async () => {
    const names = async (fieldSelector: string) => (await t.core.listPodForAllNamespaces({ fieldSelector })).items.map((p) => p.metadata!.name);
    expect(await names('spec.nodeName=node-b')).toEqual(['coredns-5d78c9869d-bbbbb', 'tools']);
    expect(await names('metadata.name=tools')).toEqual(['tools']);
    expect(await names('status.phase=Running,spec.nodeName!=node-b')).toEqual(['coredns-5d78c9869d-aaaaa', 'web-6c9f7b5d8-x2k4p']);
    const s = await statusOf(t.core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' }));
    expect(s).toMatchObject({ httpCode: 400, kind: 'Status', status: 'Failure', reason: 'BadRequest' });
    expect(s.message).toContain('"spec.bogus" is not a known field selector');
  });

  it('pages with limit and continue', async () => {
    const first = await t.core.listPodForAllNamespaces({ limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata!.remainingItemCount).toBe(1);
    const second = await t.core.listPodForAllNamespaces({ limit: 3, _continue: first.metadata!._continue! });
    expect(second.items.map((p) => p.metadata!.name)).toEqual(['web-6c9f7b5d8-x2k4p']);
    expect(second.metadata!._continue).toBeUndefined();
  });

  it('KubeClusterAccess.scanPods reads the list page by page (limit/continue) and sees every pod once', async () => {
    const access = KubeClusterAccess.fromKubeconfigText(t.lab.kubeconfig);
    const pages: string[][] = [];
    await access.scanPods(undefined, { pageSize: 3, fieldSelector: 'status.phase=Running' }, (page) => pages.push(page.map((p) => p.name)));
    const whole = await access.listPods(undefined, { fieldSelector: 'status.phase=Running' });
    expect(whole.length).toBeGreaterThan(3);
    expect(pages.length).toBe(Math.ceil(whole.length / 3));
    expect(pages.every((p) => p.length <= 3)).toBe(true);
    expect(pages.flat()).toEqual(whole.map((p) => p.name));
  });

  it('KubeClusterAccess.scanPodNodes reads where pods run from the Table of pods, page by page, as the pods themselves say', async () => {
    const access = KubeClusterAccess.fromKubeconfigText(t.lab.kubeconfig);
    const pages: string[][] = [];
    await access.scanPodNodes({ pageSize: 3, fieldSelector: 'status.phase=Running' }, (page) => pages.push(page.map((p) => `${p.namespace}/${p.name}@${p.node}`)));
    const whole = await access.listPods(undefined, { fieldSelector: 'status.phase=Running' });
    expect(pages.length).toBe(Math.ceil(whole.length / 3));
    expect(pages.flat()).toEqual(whole.map((p) => `${p.namespace}/${p.name}@${p.node}`));
  });

  it('resumes a paged list after the last key served, so a pod created before it between pages moves nothing across pages', async () => {
    const first = await t.core.listPodForAllNamespaces({ limit: 2 });
    const firstNames = first.items.map((p) => p.metadata!.name);
    // "aaa" sorts before every pod of the first page: an offset-based continue would serve its last pod again.
    await t.core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'aaa' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
    try {
      const second = await t.core.listPodForAllNamespaces({ limit: 10, _continue: first.metadata!._continue! });
      const secondNames = second.items.map((p) => p.metadata!.name);
      expect(secondNames.filter((n) => firstNames.includes(n))).toEqual([]);
      expect([...firstNames, ...secondNames].sort()).toEqual(['coredns-5d78c9869d-aaaaa', 'coredns-5d78c9869d-bbbbb', 'tools', 'web-6c9f7b5d8-x2k4p']);
    } finally {
      await t.core.deleteNamespacedPod({ namespace: 'default', name: 'aaa', gracePeriodSeconds: 0 });
    }
  });

  it('answers 404 with a real Status for missing objects and namespaces', async () => {
    const s = await statusOf(t.core.readNamespacedPod({ namespace: 'shop', name: 'nope' }));
    expect(s).toEqual({ httpCode: 404, kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'pods' }, code: 404 });
    const d = await statusOf(t.apps.readNamespacedDeployment({ namespace: 'shop', name: 'nope' }));
    expect(d).toMatchObject({ message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' } });
  });
});

describe('lab API server: watch', () => {
  it('streams ADDED for current objects, then changes, filtered by field selector', async () => {
    const ac = new AbortController();
    const res = await t.raw('/api/v1/namespaces/kube-system/configmaps?watch=true&fieldSelector=metadata.name%3Dcoredns', { signal: ac.signal });
    const reader = res.body!.getReader();
    let buf = '';
    const next = async (): Promise<any> => {
      while (!buf.includes('\n')) buf += new TextDecoder().decode((await reader.read()).value);
      const i = buf.indexOf('\n');
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      return JSON.parse(line);
    };
    expect(await next()).toMatchObject({ type: 'ADDED', object: { kind: 'ConfigMap', metadata: { name: 'coredns' } } });
    await t.raw('/api/v1/namespaces/kube-system/configmaps/coredns', {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { labels: { watched: 'yes' } } }),
    });
    expect(await next()).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'coredns', labels: { watched: 'yes' } } } });
    ac.abort();
  });
});

describe('lab API server: Table watch (kubectl get -w)', () => {
  it('sends one-row Tables, with the column definitions on the first event only', async () => {
    const ac = new AbortController();
    const res = await t.raw('/api/v1/namespaces/kube-system/pods?watch=true', { signal: ac.signal, headers: { accept: tableAccept } });
    const reader = res.body!.getReader();
    let buf = '';
    while (buf.split('\n').length < 3) buf += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    const [a, b] = buf.split('\n').slice(0, 2).map((l) => JSON.parse(l));
    expect(a).toMatchObject({ type: 'ADDED', object: { kind: 'Table' } });
    expect(a.object.rows).toHaveLength(1);
    expect(a.object.rows[0].cells.slice(0, 4)).toEqual(['coredns-5d78c9869d-aaaaa', '1/1', 'Running', '0']);
    expect(a.object.columnDefinitions).toHaveLength(9);
    expect(b.object.columnDefinitions).toEqual([]);
    expect(b.object.rows[0].cells[0]).toBe('coredns-5d78c9869d-bbbbb');
  });
});

describe('lab API server: Table responses for kubectl get', () => {
  it('prints pods with READY, STATUS, RESTARTS, AGE and (wide) IP and NODE', async () => {
    const table = (await (await t.raw('/api/v1/pods?limit=500', { headers: { accept: tableAccept } })).json()) as any;
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: any) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1',
    ]);
    const web = table.rows.find((r: any) => r.cells[0] === 'web-6c9f7b5d8-x2k4p');
    expect(web.cells.slice(0, 4)).toEqual(['web-6c9f7b5d8-x2k4p', '1/1', 'Running', '0']);
    expect(web.cells.slice(5, 7)).toEqual(['10.244.1.17', 'node-a']);
    expect(web.cells[4]).toMatch(/^\d+s$/);
    expect(web.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { namespace: 'shop', name: 'web-6c9f7b5d8-x2k4p' } });
  });

  it('prints services, endpoints, configmaps, deployments and endpointslices with their columns', async () => {
    const get = async (path: string) => (await (await t.raw(path, { headers: { accept: tableAccept } })).json()) as any;
    const svc = await get('/api/v1/namespaces/kube-system/services');
    expect(svc.rows[0].cells.slice(0, 5)).toEqual(['kube-dns', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP,9153/TCP']);
    const cm = await get('/api/v1/namespaces/kube-system/configmaps/coredns');
    expect(cm.rows[0].cells.slice(0, 2)).toEqual(['coredns', 1]);
    const dep = await get('/apis/apps/v1/namespaces/shop/deployments');
    expect(dep.rows[0].cells.slice(0, 4)).toEqual(['web', '1/1', 1, 1]);
    const eps = await get('/api/v1/namespaces/shop/endpoints');
    expect(eps.rows[0].cells.slice(0, 2)).toEqual(['web', '10.244.1.17:80']);
    const slices = await get('/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices');
    expect(slices.rows[0].cells.slice(1, 4)).toEqual(['IPv4', '53,53,9153', '10.244.1.2,10.244.2.2']);
  });
});
