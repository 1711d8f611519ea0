import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodRuntime } from '../../../src/probes/pod-probe/run-pod-probe.js';
import { startTestLab, statusOf, type TestLab } from '../helpers/test-lab.js';

/** A FAKE probe runner (stands in for runPodProbe of src/probes/pod-probe): echoes what the pod gave it. */
const runs: { argv: string[]; rt: PodRuntime }[] = [];
async function fakeProbeRunner(argv: string[], rt: PodRuntime) {
  runs.push({ argv, rt });
  const spec = JSON.parse(argv[argv.indexOf('--spec') + 1]!);
  if (spec.name === 'fail.example') return { stdout: '', stderr: 'probe failed\n', exitCode: 3 };
  return { stdout: `${JSON.stringify({ evidence: [{ kind: 'fake', name: spec.name, podIp: rt.podIp }] })}\n`, stderr: '', exitCode: 0 };
}

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab('small.yaml', { probeRunner: fakeProbeRunner, deny: [{ verb: 'create', resource: 'pods', namespace: 'locked' }, { verb: 'list', resource: 'configmaps' }, { verb: 'get', resource: 'pods/exec', namespace: 'kube-system' }] });
});
afterAll(async () => {
  await t.lab.stop();
});

const probePod = (name: string, node: string, target: string): V1Pod => ({
  metadata: { name, namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'dnswhy' } },
  spec: {
    nodeName: node,
    restartPolicy: 'Never',
    dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
    containers: [{ name: 'probe', image: 'ghcr.io/dnswhy/dnswhy:0.1.0', command: ['dnswhy', 'probe', '--spec', JSON.stringify({ name: target, dnsServiceIp: '10.96.0.10', endpoints: [], tcpPorts: [443] })] }],
  },
});

async function waitForPhase(name: string, phases: string[]): Promise<V1Pod> {
  for (;;) {
    const p = await t.core.readNamespacedPod({ namespace: 'shop', name });
    if (phases.includes(p.status!.phase!)) return p;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('probe pods', () => {
  it('a created probe pod is scheduled on its nodeName, gets an IP from that node, runs the probe, logs its stdout and Succeeds', async () => {
    const created = await t.core.createNamespacedPod({ namespace: 'shop', body: probePod('dnswhy-probe-1', 'node-b', 's3.corp.example') });
    expect(created.status!.phase).toBe('Pending');
    expect(created.spec!.nodeName).toBe('node-b');
    expect(created.status!.podIP).toMatch(/^10\.244\.2\./);
    const done = await waitForPhase('dnswhy-probe-1', ['Succeeded', 'Failed']);
    expect(done.status!.phase).toBe('Succeeded');
    expect(done.status!.containerStatuses![0]!.state!.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const log = await t.core.readNamespacedPodLog({ namespace: 'shop', name: 'dnswhy-probe-1' });
    expect(JSON.parse(log)).toEqual({ evidence: [{ kind: 'fake', name: 's3.corp.example', podIp: created.status!.podIP }] });
    const run = runs.at(-1)!;
    expect(run.argv.slice(0, 3)).toEqual(['dnswhy', 'probe', '--spec']);
    // The probe runs with the pod's own kubelet files and the lab's address mapping.
    expect(run.rt.resolvConf).toBe('search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:2\n');
    expect(run.rt.hosts).toContain(`${created.status!.podIP}\tdnswhy-probe-1\n`);
    expect(run.rt.network.dial('10.96.0.10', 53, 'udp').host).toMatch(/^127\./);
  });

  it('without nodeName, a nodeSelector picks the node (kubernetes.io/hostname or zone label)', async () => {
    const byHost = probePod('sel-host', 'x', 'a.example');
    delete byHost.spec!.nodeName;
    byHost.spec!.nodeSelector = { 'kubernetes.io/hostname': 'node-a' };
    const a = await t.core.createNamespacedPod({ namespace: 'shop', body: byHost });
    expect([a.spec!.nodeName, a.status!.podIP!.startsWith('10.244.1.')]).toEqual(['node-a', true]);
    const byZone = probePod('sel-zone', 'x', 'a.example');
    delete byZone.spec!.nodeName;
    byZone.spec!.nodeSelector = { 'topology.kubernetes.io/zone': 'zone-b' };
    const b = await t.core.createNamespacedPod({ namespace: 'shop', body: byZone });
    expect([b.spec!.nodeName, b.status!.podIP!.startsWith('10.244.2.')]).toEqual(['node-b', true]);
  });

  it('a failing probe marks the pod Failed with its exit code, and its stderr is the log', async () => {
    await t.core.createNamespacedPod({ namespace: 'shop', body: probePod('dnswhy-probe-2', 'node-a', 'fail.example') });
    const done = await waitForPhase('dnswhy-probe-2', ['Succeeded', 'Failed']);
    expect(done.status!.phase).toBe('Failed');
    expect(done.status!.containerStatuses![0]!.state!.terminated!.exitCode).toBe(3);
    expect(await t.core.readNamespacedPodLog({ namespace: 'shop', name: 'dnswhy-probe-2', container: 'probe' })).toBe('probe failed\n');
  });

  it('deleting a probe pod removes it (no replacement: it has no owner)', async () => {
    await t.core.deleteNamespacedPod({ namespace: 'shop', name: 'dnswhy-probe-2' });
    expect((await statusOf(t.core.readNamespacedPod({ namespace: 'shop', name: 'dnswhy-probe-2' }))).httpCode).toBe(404);
  });

  it('creating a pod that exists is 409 AlreadyExists; an invalid pod is 422', async () => {
    const s = await statusOf(t.core.createNamespacedPod({ namespace: 'shop', body: probePod('dnswhy-probe-1', 'node-b', 'x') }));
    expect(s).toMatchObject({ httpCode: 409, reason: 'AlreadyExists', message: 'pods "dnswhy-probe-1" already exists' });
    const bad = probePod('bad', 'node-b', 'x');
    bad.spec!.containers[0]!.image = '';
    expect(await statusOf(t.core.createNamespacedPod({ namespace: 'shop', body: bad }))).toMatchObject({ httpCode: 422, message: 'Pod "bad" is invalid: spec.containers[0].image: Required value' });
  });

  it('a pod spec is immutable through the pod itself (422 Forbidden), labels are not', async () => {
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const s = await statusOf(t.core.patchNamespacedPod({ namespace: 'shop', name: 'tools', body: { spec: { dnsPolicy: 'Default' } } }, merge));
    expect(s).toMatchObject({ httpCode: 422, reason: 'Invalid', details: { causes: [{ field: 'spec', reason: 'FieldValueForbidden' }] } });
    expect(s.message).toContain('Pod "tools" is invalid: spec: Forbidden: pod updates may not change fields other than');
    const p = await t.core.patchNamespacedPod({ namespace: 'shop', name: 'tools', body: { metadata: { labels: { team: 'dns' } } } }, merge);
    expect(p.metadata!.labels).toEqual({ team: 'dns' });
  });

  it('dryRun=All on create stores nothing', async () => {
    await t.core.createNamespacedPod({ namespace: 'shop', dryRun: 'All', body: probePod('dry-pod', 'node-a', 'x') });
    expect((await statusOf(t.core.readNamespacedPod({ namespace: 'shop', name: 'dry-pod' }))).httpCode).toBe(404);
  });

  it('RBAC emulation: a denied create is 403 with the real message shape', async () => {
    await t.core.createNamespace({ body: { metadata: { name: 'locked' } } });
    const s = await statusOf(t.workerCore.createNamespacedPod({ namespace: 'locked', body: { ...probePod('p', 'node-a', 'x'), metadata: { name: 'p', namespace: 'locked' } } }));
    expect(s).toEqual({
      httpCode: 403,
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods is forbidden: User "system:serviceaccount:dnswhy:dnswhy-worker" cannot create resource "pods" in API group "" in the namespace "locked"',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
  });
});

describe('RBAC emulation for other verbs and subresources', () => {
  it('list at the cluster scope and exec over WebSocket (get pods/exec) are denied with the authorizer wording', async () => {
    const list = await statusOf(t.workerCore.listConfigMapForAllNamespaces());
    expect(list).toMatchObject({ httpCode: 403, reason: 'Forbidden' });
    expect(list.message).toBe('configmaps is forbidden: User "system:serviceaccount:dnswhy:dnswhy-worker" cannot list resource "configmaps" in API group "" at the cluster scope');
    const res = await new Promise<{ code: number; body: string }>((resolve) => {
      const r = request(`${t.lab.apiUrl}/api/v1/namespaces/kube-system/pods/coredns-5d78c9869d-aaaaa/exec?command=cat`, {
        ca: t.lab.ca,
        headers: { Authorization: `Bearer ${t.workerToken}`, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' },
      });
      r.on('response', (m) => {
        let body = '';
        m.on('data', (d) => (body += d));
        m.on('end', () => resolve({ code: m.statusCode!, body }));
      });
      r.end();
    });
    expect(res.code).toBe(403);
    expect(JSON.parse(res.body).message).toBe(
      'pods "coredns-5d78c9869d-aaaaa" is forbidden: User "system:serviceaccount:dnswhy:dnswhy-worker" cannot get resource "pods/exec" in API group "" in the namespace "kube-system"',
    );
  });
});

describe('ephemeral containers', () => {
  it('adding a probe ephemeral container runs it in the target pod (its IP and files) and its log is readable with ?container=', async () => {
    const pod = await t.core.readNamespacedPod({ namespace: 'shop', name: 'web-6c9f7b5d8-x2k4p' });
    const spec = JSON.stringify({ name: 'legacy.corp.example', dnsServiceIp: '10.96.0.10', endpoints: [], tcpPorts: [] });
    await t.core.patchNamespacedPodEphemeralcontainers(
      {
        namespace: 'shop',
        name: 'web-6c9f7b5d8-x2k4p',
        body: { spec: { ephemeralContainers: [{ name: 'dnswhy-debug', image: 'ghcr.io/dnswhy/dnswhy:0.1.0', command: ['dnswhy', 'probe', '--spec', spec], targetContainerName: 'web' }] } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    let status;
    for (;;) {
      const p = await t.core.readNamespacedPod({ namespace: 'shop', name: 'web-6c9f7b5d8-x2k4p' });
      status = p.status!.ephemeralContainerStatuses?.find((s) => s.name === 'dnswhy-debug');
      if (status?.state?.terminated) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(status.state!.terminated!.exitCode).toBe(0);
    const log = await t.core.readNamespacedPodLog({ namespace: 'shop', name: 'web-6c9f7b5d8-x2k4p', container: 'dnswhy-debug' });
    expect(JSON.parse(log).evidence[0]).toEqual({ kind: 'fake', name: 'legacy.corp.example', podIp: pod.status!.podIP });
    expect(runs.at(-1)!.rt.hosts).toContain('10.1.2.3\tlegacy.corp.example\tlegacy\n');
    // The app container's own (empty) log is still the default.
    expect(await t.core.readNamespacedPodLog({ namespace: 'shop', name: 'web-6c9f7b5d8-x2k4p' })).toBe('');
  });

  it('PUT on ephemeralcontainers adds a container too (kubectl debug uses PATCH, other clients PUT)', async () => {
    const pod = await t.core.readNamespacedPodEphemeralcontainers({ namespace: 'shop', name: 'tools' });
    const spec = JSON.stringify({ name: 'put.example', dnsServiceIp: '10.96.0.10' });
    pod.spec!.ephemeralContainers = [...(pod.spec!.ephemeralContainers ?? []), { name: 'put-debug', image: 'dnswhy:dev', command: ['dnswhy', 'probe', '--spec', spec] }];
    await t.core.replaceNamespacedPodEphemeralcontainers({ namespace: 'shop', name: 'tools', body: pod });
    let log = '';
    for (;;) {
      const p = await t.core.readNamespacedPod({ namespace: 'shop', name: 'tools' });
      if (p.status!.ephemeralContainerStatuses?.find((s) => s.name === 'put-debug')?.state?.terminated) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    log = await t.core.readNamespacedPodLog({ namespace: 'shop', name: 'tools', container: 'put-debug' });
    expect(JSON.parse(log).evidence[0]).toMatchObject({ name: 'put.example', podIp: '10.244.2.9' });
  });

  it('an existing ephemeral container may not be changed (422)', async () => {
    const s = await statusOf(
      t.core.patchNamespacedPodEphemeralcontainers(
        { namespace: 'shop', name: 'web-6c9f7b5d8-x2k4p', body: { spec: { ephemeralContainers: [{ name: 'dnswhy-debug', image: 'other:1' }] } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(s).toMatchObject({ httpCode: 422, reason: 'Invalid' });
    expect(s.message).toContain('existing ephemeral containers "dnswhy-debug" may not be changed');
  });
});

describe('creating a Service', () => {
  it('allocates a cluster IP, defaults ports, and derives Endpoints from its selector', async () => {
    const svc = await t.core.createNamespacedService({ namespace: 'shop', body: { metadata: { name: 'tools-svc' }, spec: { selector: { team: 'dns' }, ports: [{ port: 8080 }] } } });
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', clusterIP: '10.96.1.0', ports: [{ port: 8080, protocol: 'TCP', targetPort: 8080 }] });
    await t.core.patchNamespacedPod({ namespace: 'shop', name: 'tools', body: { metadata: { labels: { team: 'dns' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const eps = await t.core.readNamespacedEndpoints({ namespace: 'shop', name: 'tools-svc' });
    expect(eps.subsets![0]!.addresses!.map((a) => a.ip)).toEqual(['10.244.2.9']);
    const headless = await t.core.createNamespacedService({ namespace: 'shop', body: { metadata: { name: 'hl' }, spec: { clusterIP: 'None', selector: { team: 'dns' } } } });
    expect(headless.spec!.clusterIP).toBe('None');
  });
});

describe('CoreDNS pod logs', () => {
  it("come from the DNS world's replica log (FAKE DNS world here)", async () => {
    const log = await t.core.readNamespacedPodLog({ namespace: 'kube-system', name: 'coredns-5d78c9869d-aaaaa' });
    expect(log).toBe('.:53\nCoreDNS-fake coredns-5d78c9869d-aaaaa\n');
  });
});

describe('pods/proxy', () => {
  it("reaches a CoreDNS pod's :9153/metrics (FAKE DNS world's text) and refuses other pods and ports like the real proxy", async () => {
    const text = await t.core.connectGetNamespacedPodProxyWithPath({ namespace: 'kube-system', name: 'coredns-5d78c9869d-aaaaa:9153', path: 'metrics' });
    expect(text).toContain('coredns_reload_version_info{hash="sha512",value="fake-coredns-5d78c9869d-aaaaa"}');
    const res = await t.raw('/api/v1/namespaces/shop/pods/tools:8080/proxy/metrics');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ reason: 'ServiceUnavailable', message: 'error trying to reach service: dial tcp 10.244.2.9:8080: connect: connection refused' });
    expect((await t.raw('/api/v1/namespaces/kube-system/pods/coredns-5d78c9869d-aaaaa:9153/proxy/other')).status).toBe(404);
  });
});
