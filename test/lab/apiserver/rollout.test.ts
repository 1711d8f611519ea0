import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestLab, type TestLab } from '../helpers/test-lab.js';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab();
});
afterAll(async () => {
  await t.lab.stop();
});

const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

describe('rollouts', () => {
  it('a patched pod template replaces the pods: new ReplicaSet hash, new names, same node, new spec and files', async () => {
    const before = (await t.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items;
    expect(before.map((p) => p.metadata!.name)).toEqual(['web-6c9f7b5d8-x2k4p']);
    const d = await t.apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'shop', body: { spec: { template: { spec: { hostAliases: [{ ip: '10.50.0.9', hostnames: ['s3.corp.example'] }], dnsConfig: { options: [{ name: 'ndots', value: '2' }] } } } } } },
      strategic,
    );
    expect(d.metadata!.generation).toBe(2);
    const after = (await t.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items;
    expect(after).toHaveLength(1);
    const pod = after[0]!;
    const hash = pod.metadata!.labels!['pod-template-hash']!;
    expect(hash).not.toBe('6c9f7b5d8');
    expect(pod.metadata!.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
    expect(pod.spec!.nodeName).toBe('node-a');
    expect(pod.status!.podIP).not.toBe('10.244.1.17');
    expect(pod.status!.podIP).toMatch(/^10\.244\.1\./);
    expect(pod.spec!.hostAliases).toContainEqual({ ip: '10.50.0.9', hostnames: ['s3.corp.example'] });
    const files = t.lab.state.podFiles('shop', pod.metadata!.name!)!;
    expect(files.hosts).toContain('10.50.0.9\ts3.corp.example\n');
    expect(files.resolvConf).toContain('options ndots:2\n');
    const rs = await t.apps.readNamespacedReplicaSet({ namespace: 'shop', name: `web-${hash}` });
    expect(rs.metadata!.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect((await t.apps.readNamespacedReplicaSet({ namespace: 'shop', name: 'web-6c9f7b5d8' })).spec!.replicas).toBe(0);
    const status = (await t.apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' })).status!;
    expect(status).toMatchObject({ observedGeneration: 2, updatedReplicas: 1, readyReplicas: 1, replicas: 1 });
    // The Service follows the new pod.
    const eps = await t.core.readNamespacedEndpoints({ namespace: 'shop', name: 'web' });
    expect(eps.subsets![0]!.addresses!.map((a) => a.ip)).toEqual([pod.status!.podIP]);
    // The old runtime carried over: the new pod has the image's executables.
    expect(t.lab.state.runtime.get(`shop/${pod.metadata!.name}`)!.commands).toEqual(['cat', 'getent', 'nslookup']);
  });

  it('a CoreDNS restart (restartedAt annotation) replaces every replica and restarts them in the DNS world', async () => {
    const old = (await t.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })).items.map((p) => p.metadata!.name);
    await t.apps.patchNamespacedDeployment(
      { name: 'coredns', namespace: 'kube-system', body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-22T03:00:00Z' } } } } } },
      strategic,
    );
    const now = (await t.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })).items;
    expect(now).toHaveLength(2);
    expect(now.map((p) => p.metadata!.name).some((n) => old.includes(n!))).toBe(false);
    expect(now.map((p) => p.spec!.nodeName).sort()).toEqual(['node-a', 'node-b']);
    expect(now[0]!.metadata!.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '2026-11-22T03:00:00Z' });
    const replicas = t.fake.replicaSets.at(-1)!;
    expect(replicas.map((r) => r.name).sort()).toEqual(now.map((p) => p.metadata!.name).sort());
    expect(replicas.every((r) => r.ready)).toBe(true);
    const slice = (await t.discovery.listNamespacedEndpointSlice({ namespace: 'kube-system' })).items[0]!;
    expect(slice.endpoints.map((e) => e.targetRef!.name).sort()).toEqual(now.map((p) => p.metadata!.name).sort());
  });

  it('scaling CoreDNS to 0 empties the DNS Service endpoints; scaling up brings new replicas', async () => {
    await t.apps.patchNamespacedDeployment({ name: 'coredns', namespace: 'kube-system', body: { spec: { replicas: 0 } } }, strategic);
    expect(t.fake.replicaSets.at(-1)).toEqual([]);
    const eps = await t.core.readNamespacedEndpoints({ namespace: 'kube-system', name: 'kube-dns' });
    expect(eps.subsets ?? []).toEqual([]);
    await t.apps.patchNamespacedDeployment({ name: 'coredns', namespace: 'kube-system', body: { spec: { replicas: 2 } } }, strategic);
    expect(t.fake.replicaSets.at(-1)).toHaveLength(2);
  });

  it('deleting a ReplicaSet pod makes the ReplicaSet replace it (a CoreDNS pod restart)', async () => {
    const pods = (await t.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })).items;
    const victim = pods[0]!;
    const deleted = await t.core.deleteNamespacedPod({ namespace: 'kube-system', name: victim.metadata!.name! });
    expect(deleted.metadata!.deletionTimestamp).toBeDefined();
    const now = (await t.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })).items;
    expect(now).toHaveLength(2);
    expect(now.map((p) => p.metadata!.name)).not.toContain(victim.metadata!.name);
    expect(now.find((p) => !pods.some((o) => o.metadata!.name === p.metadata!.name))!.spec!.nodeName).toBe(victim.spec!.nodeName);
    expect(t.fake.replicaSets.at(-1)!.map((r) => r.name).sort()).toEqual(now.map((p) => p.metadata!.name).sort());
  });

  it('is deterministic for a seed: a second lab names rolled-out pods the same way', async () => {
    const other = await startTestLab();
    try {
      await other.apps.patchNamespacedDeployment(
        { name: 'web', namespace: 'shop', body: { spec: { template: { spec: { hostAliases: [{ ip: '10.50.0.9', hostnames: ['s3.corp.example'] }], dnsConfig: { options: [{ name: 'ndots', value: '2' }] } } } } } },
        strategic,
      );
      const a = (await other.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items[0]!;
      const fresh = await startTestLab();
      try {
        await fresh.apps.patchNamespacedDeployment(
          { name: 'web', namespace: 'shop', body: { spec: { template: { spec: { hostAliases: [{ ip: '10.50.0.9', hostnames: ['s3.corp.example'] }], dnsConfig: { options: [{ name: 'ndots', value: '2' }] } } } } } },
          strategic,
        );
        const b = (await fresh.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })).items[0]!;
        expect(b.metadata!.name).toBe(a.metadata!.name);
        expect(b.status!.podIP).toBe(a.status!.podIP);
        expect(b.metadata!.uid).toBe(a.metadata!.uid);
      } finally {
        await fresh.lab.stop();
      }
    } finally {
      await other.lab.stop();
    }
  });
});
