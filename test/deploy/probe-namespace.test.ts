/**
 * The probe namespace end to end in the lab (a real API server's RBAC and admission, real kubectl):
 * the another-cluster-worker overlay rendered by `kubectl kustomize` and its RBAC applied with
 * `kubectl apply`, then a diagnosis with the worker's own token and the overlay's
 * DNSWHY_PROBE_NAMESPACE. The worker may create pods only there: node-view pods run there, the twin
 * is refused in the pod's namespace and runs there with the pod's resolv.conf, the cause is still
 * found, and the report says where the twin ran and what that cannot show. With the base's
 * cluster-wide probe-pod binding instead, the twin stays in the pod's namespace.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { openClusterRuntime } from '../../jobs/open-cluster-runtime.js';
import type { Report } from '../../src/core/model/index.js';
import { runDiagnosis } from '../../src/diagnosis/run-diagnosis.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { serviceAccountUser } from '../../src/lab/rbac/authorizer.js';
import { workerServiceAccount } from '../../src/lab/rbac/shipped-rbac.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const seed = join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const target = { pod: 'mos/mos-model-6c9f7b5d8-x2k4p', name: 's3.cloud-b.example' };
const worker = serviceAccountUser(workerServiceAccount.namespace, workerServiceAccount.name);
const home = mkdtempSync(join(tmpdir(), 'dnswhy-probe-ns-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: { template?: { spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] } } } };
const rbacKinds = new Set(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'NetworkPolicy']);

async function diagnoseWith(lab: Lab, probeNamespace: string): Promise<{ report: Report; podCreates: { namespace?: string; allowed: boolean }[] }> {
  const access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
  const report = await runDiagnosis({ access, network: lab.network, name: 'lab' }, target, { burst: { count: 10, concurrency: 5 }, probeNamespace });
  await lab.backend.idle();
  const podCreates = lab.backend.audit.filter((a) => a.user === worker.name && a.verb === 'create' && a.resource === 'pods' && !a.subresource).map((a) => ({ namespace: a.namespace, allowed: a.allowed }));
  return { report, podCreates };
}

const twinOrigins = (report: Report) =>
  report.evidence.flatMap((e) => (e.from.kind === 'probe-pod' && e.from.twinOf === `${report.pod.namespace}/${report.pod.name}` ? [e.from] : [])).filter((f, i, all) => all.findIndex((g) => g.name === f.name) === i);

/** A lab of the scenario with exactly the RBAC the rendered overlay grants (kubectl apply), and the overlay's probe namespace. */
async function overlayLab(scenario: string): Promise<{ lab: Lab; probeNamespace: string }> {
  const { stdout } = await run('kubectl', ['kustomize', join(root, 'deploy', 'overlays', 'another-cluster-worker')], { encoding: 'utf8' });
  const objects = parseAllDocuments(stdout).map((d) => d.toJSON() as Obj);
  const env = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'dnswhy-worker')!.spec!.template!.spec.containers.find((c) => c.name === 'worker')!.env ?? [];
  const probeNamespace = env.find((e) => e.name === 'DNSWHY_PROBE_NAMESPACE')!.value!;
  // No shipped roles: exactly what the overlay grants.
  const lab = await startLab(scenario, { rbac: [] });
  const file = join(home, `rbac-${Date.now()}.yaml`);
  writeFileSync(file, objects.filter((o) => rbacKinds.has(o.kind)).map((o) => stringify(o)).join('---\n'));
  await run('kubectl', ['--kubeconfig', lab.kubeconfigPath, 'apply', '-f', file], { encoding: 'utf8', env: { ...process.env, HOME: home } });
  return { lab, probeNamespace };
}

describe('the another-cluster-worker overlay\'s RBAC applied to the lab, a diagnosis with its probe namespace', { timeout: 180_000 }, () => {
  let lab: Lab;
  let probeNamespace: string;
  let result: Awaited<ReturnType<typeof diagnoseWith>>;
  beforeAll(async () => {
    ({ lab, probeNamespace } = await overlayLab(seed));
    result = await diagnoseWith(lab, probeNamespace);
  }, 180_000);
  afterAll(async () => lab?.stop());

  it('creates every probe pod in the probe namespace; the one refused create is the twin in the pod\'s namespace', () => {
    expect(probeNamespace).toBe('dnswhy-probes');
    const allowed = result.podCreates.filter((c) => c.allowed);
    expect(allowed.length).toBeGreaterThanOrEqual(2);
    expect(new Set(allowed.map((c) => c.namespace))).toEqual(new Set([probeNamespace]));
    expect(result.podCreates.filter((c) => !c.allowed)).toEqual([{ namespace: 'mos', allowed: false }]);
  });

  it('runs the twin there with the pod\'s resolv.conf, still finds the cause, and says where the twin ran and what it cannot show', () => {
    const twins = twinOrigins(result.report);
    expect(twins).toHaveLength(1);
    expect(twins[0]).toMatchObject({ namespace: probeNamespace, displacedBecause: 'the worker may not create pods in namespace mos' });
    // The twin's lookup went through the pod's search list (its namespace's), copied into the twin.
    const lookup = result.report.evidence.find((e) => e.kind === 'lookup' && e.from.kind === 'probe-pod');
    expect(JSON.stringify(lookup)).toContain('mos.svc.cluster.local');
    expect(result.report.verdict).toBe('broken');
    expect(result.report.findings.map((f) => f.checkId)).toContain('upstream-split-horizon');
    expect(result.report.notes?.[0]).toMatch(/^The twin probe pod ran in namespace dnswhy-probes, not mos \(the worker may not create pods in namespace mos\)\..*NetworkPolicies applied to it as to a pod of dnswhy-probes/);
    expect(JSON.stringify(result.report)).not.toMatch(/probe pod mos\//);
  });
});

describe('CoreDNS admits DNS only from the pod\'s namespace (an ingress policy by namespace label), under the overlay\'s RBAC', { timeout: 180_000 }, () => {
  it('runs no twin in the probe namespace (it would be judged as a pod of that namespace), blames nothing, and says why', async () => {
    // The control case (CoreDNS ingress open to every namespace), narrowed to the pod's namespace.
    const text = readFileSync(join(root, 'scenarios', 'cases', 'control-ingress-policy-on-coredns.yaml'), 'utf8');
    const narrowed = text.replace('- from: [{ namespaceSelector: {} }]', '- from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: media } } }]').replace('name: dns-from-everywhere', 'name: dns-from-media');
    expect(narrowed).toContain('dns-from-media');
    expect(narrowed).toContain('kubernetes.io/metadata.name: media');
    const file = join(home, 'ingress-by-namespace.yaml');
    writeFileSync(file, narrowed);
    const { lab, probeNamespace } = await overlayLab(file);
    try {
      const access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
      const report = await runDiagnosis({ access, network: lab.network, name: 'lab' }, { pod: 'media/transcoder-84c6d9f7b5-gt6vn', name: 'assets.media.svc.cluster.local', port: 8000 }, { burst: { count: 10, concurrency: 5 }, probeNamespace });
      await lab.backend.idle();
      const creates = lab.backend.audit.filter((a) => a.user === worker.name && a.verb === 'create' && a.resource === 'pods' && !a.subresource);
      expect(creates.filter((c) => !c.allowed).map((c) => c.namespace)).toEqual(['media']);
      expect(creates.filter((c) => c.allowed).length).toBeGreaterThan(0);
      expect(twinOrigins(report)).toEqual([]);
      const why = report.evidence.find((e) => e.kind === 'probe-error' && e.probe === 'twin probe pod');
      expect(why && why.kind === 'probe-error' ? why.reason : '').toBe(
        'the worker may not create pods in namespace media, and NetworkPolicies dns-from-media in kube-system admit DNS clients by namespace, so a twin in dnswhy-probes would not be let in or kept out as media/transcoder-84c6d9f7b5-gt6vn is',
      );
      // The worker's own queries time out (CoreDNS does not admit dnswhy's namespace): that is no cause of the pod's.
      expect(report.findings.filter((f) => f.severity !== 'info').map((f) => f.checkId)).toEqual([]);
      expect(report.verdict).toBe('inconclusive');
    } finally {
      await lab.stop();
    }
  });
});

describe('with the base\'s cluster-wide probe-pod binding and a probe namespace set', { timeout: 180_000 }, () => {
  it('runs the twin in the pod\'s own namespace and the node-view pods in the probe namespace, with no note', async () => {
    const lab = await startLab(seed, { rbac: ['diagnose'] });
    try {
      const file = join(home, 'ns.json');
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dnswhy-probes' } }));
      await run('kubectl', ['--kubeconfig', lab.kubeconfigPath, 'apply', '-f', file], { encoding: 'utf8', env: { ...process.env, HOME: home } });
      const { report, podCreates } = await diagnoseWith(lab, 'dnswhy-probes');
      expect(podCreates.every((c) => c.allowed)).toBe(true);
      expect(podCreates.filter((c) => c.namespace === 'mos')).toHaveLength(1);
      expect(podCreates.filter((c) => c.namespace === 'dnswhy-probes').length).toBeGreaterThanOrEqual(1);
      expect(twinOrigins(report)).toEqual([expect.objectContaining({ namespace: 'mos' })]);
      expect(twinOrigins(report)[0]!.displacedBecause).toBeUndefined();
      expect(report.notes ?? []).not.toContainEqual(expect.stringMatching(/twin probe pod ran in namespace/));
      expect(report.findings.map((f) => f.checkId)).toContain('upstream-split-horizon');
    } finally {
      await lab.stop();
    }
  });
});

describe('the worker\'s runtime told DNSWHY_PROBE_NAMESPACE (as serve passes it)', { timeout: 180_000 }, () => {
  it('checks the namespace at start, and runs the node-view pods of a diagnosis and the health probes there', async () => {
    const runtime = await openClusterRuntime({ name: 'lab', lab: seed, burst: { count: 10, concurrency: 5 }, probeNamespace: 'dnswhy-probes', labRbac: ['diagnose'] });
    try {
      const lab = runtime.lab!;
      // At start the lab has no such namespace: the worker says so once, before any probe is refused.
      expect(runtime.probeNamespaceStatus).toEqual({ name: 'dnswhy-probes', exists: false, detail: 'namespace dnswhy-probes does not exist: probe pods will be refused until it is created (the another-cluster-worker overlay creates it)' });
      const file = join(home, 'ns-runtime.json');
      writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dnswhy-probes' } }));
      await run('kubectl', ['--kubeconfig', lab.kubeconfigPath, 'apply', '-f', file], { encoding: 'utf8', env: { ...process.env, HOME: home } });
      await runtime.diagnose(target, () => undefined);
      await runtime.health();
      const again = await openClusterRuntime({ name: 'lab', kubeconfig: lab.workerKubeconfigPath, probeNamespace: 'dnswhy-probes' });
      expect(again.probeNamespaceStatus).toMatchObject({ exists: true, detail: 'probe pods run in namespace dnswhy-probes' });
      await again.close();
      await lab.backend.idle();
      const created = lab.backend.audit.filter((a) => a.user === worker.name && a.verb === 'create' && a.resource === 'pods' && !a.subresource && a.allowed);
      const names = created.map((a) => `${a.namespace}/${a.name ?? ''}`);
      expect(created.filter((a) => a.namespace === 'mos')).toHaveLength(1);
      expect(created.filter((a) => a.namespace === 'dnswhy-probes').length).toBeGreaterThanOrEqual(2);
      expect(created.every((a) => a.namespace === 'mos' || a.namespace === 'dnswhy-probes'), names.join(', ')).toBe(true);
    } finally {
      await runtime.close();
    }
  });
});
