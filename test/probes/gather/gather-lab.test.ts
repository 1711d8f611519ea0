/**
 * gatherEvidence against the embedded lab (its API server, CoreDNS replicas and resolvers, and
 * the real pod probe): real HTTP, WebSocket exec, probe pods and DNS packets on loopback.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../../src/core/model/index.js';
import { startLab, type Lab } from '../../../src/lab/lab.js';
import { gatherEvidence, PodNotFoundError } from '../../../src/probes/gather/gather-evidence.js';
import { KubeClusterAccess } from '../../../src/probes/kube/kube-cluster-access.js';

const seed = join(import.meta.dirname, '..', '..', '..', 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const opts = (lab: Lab) => ({ network: lab.network, burst: { count: 20, concurrency: 5 }, pollMs: 50 });
const probePods = (lab: Lab) => lab.state.store.list('pods').filter((p: any) => p.metadata?.labels?.['app.kubernetes.io/name'] === 'dnswhy-probe');
const ofKind = <K extends Evidence['kind']>(ev: Evidence[], k: K) => ev.filter((e): e is Extract<Evidence, { kind: K }> => e.kind === k);

describe('gatherEvidence in the lab (seed 000: hybrid-cloud split horizon)', () => {
  let lab: Lab;
  let access: KubeClusterAccess;
  beforeAll(async () => {
    lab = await startLab(seed);
    access = KubeClusterAccess.fromKubeconfig(lab.kubeconfigPath);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('gathers the pod view, the twin probe, node views of the pod node and both CoreDNS nodes, and metrics', async () => {
    const r = await gatherEvidence(access, { pod: 'mos/mos-model', name: 's3.cloud-b.example', port: 80 }, opts(lab));
    expect(r.pod).toMatchObject({ namespace: 'mos', node: 'gpu-zone1', zone: 'cloud-b-1', owner: { kind: 'Deployment', name: 'mos-model' } });
    expect(r.resolvedFrom).toBe('prefix mos-model');
    // The owner carries the version a workload fix is proposed against.
    expect(r.pod.owner?.resourceVersion).toMatch(/^\d+$/);
    expect(r.pod.owner?.generation).toBeGreaterThan(0);
    expect(ofKind(r.evidence, 'probe-error')).toEqual([]);
    // The image's getent, through the pod's own resolv.conf: the public address.
    expect(ofKind(r.evidence, 'tool-output')[0]).toMatchObject({ tool: 'getent', parsed: { addresses: ['10.118.163.249'] } });
    // The twin probe from the pod's position.
    const lookup = ofKind(r.evidence, 'lookup')[0]!;
    expect(lookup.from).toMatchObject({ kind: 'probe-pod', node: 'gpu-zone1', twinOf: 'mos/mos-model-6c9f7b5d8-x2k4p' });
    expect(lookup.result.addresses).toContain('10.118.163.249');
    expect(ofKind(r.evidence, 'burst')).toHaveLength(1);
    // Node views: what each node's own resolver answers.
    const upstream = ofKind(r.evidence, 'dns-query').filter((q) => q.resolver.role === 'upstream');
    const byNode = Object.fromEntries(upstream.map((q) => [q.from.kind === 'node' ? q.from.name : '?', q.answers.map((a) => a.data).sort()]));
    expect(byNode['dev-worker']).toEqual(['10.118.163.249']);
    expect(byNode['dev-master']).toEqual(['10.118.163.249']);
    expect(byNode['gpu-zone1']).not.toContain('10.118.163.249');
    expect(ofKind(r.evidence, 'node-resolv-conf').map((e) => e.node).sort()).toEqual(['dev-master', 'dev-worker', 'gpu-zone1']);
    // Metrics from both replicas, with the loaded-config hash.
    const metrics = ofKind(r.evidence, 'metrics');
    expect(metrics.map((m) => m.pod).sort()).toEqual(['coredns-7dbc744b8d-5svcg', 'coredns-7dbc744b8d-8n48p']);
    expect(metrics.every((m) => /^[0-9a-f]{128}$/.test(m.metrics.reloadHash ?? ''))).toBe(true);
    expect(r.evidence.map((e) => e.id)).toEqual(r.evidence.map((_, i) => `e${i + 1}`));
    expect(probePods(lab)).toEqual([]);
    expect(r.apiRequests).toBeGreaterThan(10);
  });

  it('runs the deep probe as an ephemeral container in the pod itself when asked', async () => {
    const r = await gatherEvidence(access, { pod: 'mos/mos-model', name: 's3.cloud-b.example', port: 80 }, { ...opts(lab), probeMode: 'ephemeral', nodeView: false });
    expect(ofKind(r.evidence, 'probe-error')).toEqual([]);
    const lookup = ofKind(r.evidence, 'lookup')[0]!;
    expect(lookup.from).toMatchObject({ kind: 'pod', namespace: 'mos', name: 'mos-model-6c9f7b5d8-x2k4p', node: 'gpu-zone1' });
    expect(lookup.result.addresses).toContain('10.118.163.249');
    const pod = await access.readPod('mos', 'mos-model-6c9f7b5d8-x2k4p');
    expect(Object.keys(pod.ephemeral ?? {})).toHaveLength(1);
    expect(probePods(lab)).toEqual([]);
  });

  it('resolves deploy/name and reports an unknown pod with the closest names', async () => {
    const r = await gatherEvidence(access, { pod: 'deploy/mos-model', namespace: 'mos', name: 's3.cloud-b.example' }, { ...opts(lab), probeMode: 'none' });
    expect([r.pod.name, r.resolvedFrom]).toEqual(['mos-model-6c9f7b5d8-x2k4p', 'deploy/mos-model']);
    const err = await gatherEvidence(access, { pod: 'mos/mos-modle-6c9f7b5d8-x2k4p', name: 'x.example' }, opts(lab)).catch((e) => e);
    expect(err).toBeInstanceOf(PodNotFoundError);
    expect(err.candidates[0]).toBe('mos/mos-model-6c9f7b5d8-x2k4p');
  });
});

describe('gatherEvidence in the lab with RBAC denials', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(seed, {
      deny: [
        { verb: 'get', resource: 'pods/exec', namespace: 'mos' },
        { verb: 'create', resource: 'pods' },
        { verb: 'get', resource: 'pods/proxy' },
      ],
    });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('says what could not be learned and which permission is missing, and still reads the rest', async () => {
    const access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
    const r = await gatherEvidence(access, { pod: 'mos/mos-model', name: 's3.cloud-b.example' }, opts(lab));
    const errs = ofKind(r.evidence, 'probe-error');
    const perms = errs.map((e) => e.rbac && `${e.rbac.verb} ${e.rbac.resource}${e.rbac.subresource ? `/${e.rbac.subresource}` : ''}`);
    // exec over WebSocket: the refused upgrade names both verbs exec needs.
    expect(perms.filter((p) => p === 'get,create pods/exec')).toHaveLength(3); // resolv.conf, hosts, getent
    expect(perms.filter((p) => p === 'create pods')).toHaveLength(4); // twin + three node views
    expect(perms.filter((p) => p === 'get pods/proxy')).toHaveLength(2); // metrics of both replicas
    expect(errs.find((e) => e.probe === 'twin probe pod')!.reason).toMatch(/forbidden.*create pods in namespace mos/);
    expect(ofKind(r.evidence, 'corefile')).toHaveLength(1);
    expect(ofKind(r.evidence, 'endpoints')).toHaveLength(1);
    // No probe pod could run: the worker asked the DNS Service and each CoreDNS endpoint itself.
    const fromWorker = ofKind(r.evidence, 'dns-query').filter((q) => q.from.kind === 'worker');
    expect(fromWorker.map((q) => `${q.resolver.role} ${q.resolver.ip}`)).toEqual(['dns-service 10.96.0.10', 'coredns-endpoint 10.245.1.33', 'coredns-endpoint 10.245.0.7']);
    expect(fromWorker.every((q) => q.outcome === 'answer')).toBe(true);
  });
});
