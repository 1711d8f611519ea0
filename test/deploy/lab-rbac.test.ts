/**
 * The shipped manifests against the lab, which authorises every request as a real API server:
 * the worker, with the token of
 * the shipped worker service account, runs a diagnosis and applies fixes with no request refused;
 * and removing any one rule from the shipped roles refuses requests that run really made (each
 * rule is a named test), which a lab with that rule removed turns into a 403 the report names.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClusterRuntime, type OpenedRuntime } from '../../jobs/open-cluster-runtime.js';
import type { Report } from '../../src/core/model/index.js';
import { startLab } from '../../src/lab/lab.js';
import type { AuditEntry } from '../../src/lab/lab-backend.js';
import { authorize, serviceAccountUser, type BindingObject, type RbacObjects, type RoleObject } from '../../src/lab/rbac/authorizer.js';
import { loadShippedRbac, workerServiceAccount } from '../../src/lab/rbac/shipped-rbac.js';
import { gatherEvidence } from '../../src/probes/gather/gather-evidence.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';
import { runDiagnosis } from '../../src/diagnosis/run-diagnosis.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const seed = join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const worker = serviceAccountUser(workerServiceAccount.namespace, workerServiceAccount.name);
const home = mkdtempSync(join(tmpdir(), 'dnswhy-kubectl-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const kubectl = (kubeconfig: string, ...args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { ...process.env, HOME: home } });

// kubectl apply --dry-run=server of every rendered overlay: test/deploy/overlays.test.ts.

describe('the worker under the shipped worker role (seed 000 in the lab)', { timeout: 180_000 }, () => {
  let runtime: OpenedRuntime;
  let report: Report;
  let requests: AuditEntry[] = [];
  beforeAll(async () => {
    runtime = await openClusterRuntime({ name: 'lab', lab: seed, burst: { count: 20, concurrency: 5 }, reloadTimeoutMs: 10_000, pollMs: 100 });
    const backend = runtime.lab!.backend;
    report = await runtime.diagnose({ pod: 'mos/mos-model-6c9f7b5d8-x2k4p', name: 's3.cloud-b.example' }, () => undefined);
    // Apply a Corefile fix and a workload fix, as approved proposals would.
    const fixes = report.findings.flatMap((f) => f.fixes);
    for (const kind of ['corefile-patch', 'workload-patch'] as const) {
      const fix = fixes.find((x) => x.kind === kind);
      if (!fix || fix.kind === 'advice') throw new Error(`seed 000 offers no ${kind}`);
      const applied = await runtime.applyFix(fix);
      await runtime.rollbackFix(applied.record);
    }
    // The opt-in probe mode (ephemeral containers), with the same token.
    const access = KubeClusterAccess.fromKubeconfig(runtime.lab!.workerKubeconfigPath);
    // (the workload fix rolled the Deployment out: its pods have new names)
    await gatherEvidence(access, { pod: 'deploy/mos-model', namespace: 'mos', name: 's3.cloud-b.example' }, { network: runtime.lab!.network, probeMode: 'ephemeral', nodeView: false, burst: { count: 5, concurrency: 2 } });
    await backend.idle();
    requests = backend.audit.filter((a) => a.user === worker.name);
    // A pod owned by a Job (its owner is traced to the CronJob), on Kubernetes 1.35 (exec needs `create` too),
    // on a node that pulls the probe image slowly (the worker reads the probe pods' events).
    const scenario = parse(readFileSync(seed, 'utf8'));
    scenario.nodes.find((n: { name: string }) => n.name === 'gpu-zone1').imagePullSeconds = 30;
    scenario.pods.push({ namespace: 'mos', name: 'nightly-export-29xk7', node: 'gpu-zone1', ip: '10.245.4.30', owner: { kind: 'Job', name: 'nightly-export-29180160' }, image: 'ubuntu:22.04', commands: ['cat', 'getent'] });
    const file = join(home, 'job-owned.yaml');
    writeFileSync(file, stringify(scenario));
    const lab35 = await startLab(file, { minorVersion: 35 });
    try {
      const access35 = KubeClusterAccess.fromKubeconfig(lab35.workerKubeconfigPath);
      await runDiagnosis({ access: access35, network: lab35.network, name: 'lab' }, { pod: 'mos/nightly-export-29xk7', name: 's3.cloud-b.example' }, { burst: { count: 5, concurrency: 2 } });
      await lab35.backend.idle();
      requests.push(...lab35.backend.audit.filter((a) => a.user === worker.name));
    } finally {
      await lab35.stop();
    }
  }, 180_000);
  afterAll(async () => runtime?.close());

  it('diagnoses and applies with no request refused', () => {
    expect(report.findings.map((f) => f.checkId)).toContain('upstream-split-horizon');
    expect(JSON.stringify(report)).not.toMatch(/forbidden/i);
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.filter((r) => !r.allowed).map((r) => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.namespace ?? ''}/${r.name ?? ''}`)).toEqual([]);
  });

  // Each rule of the shipped roles, removed on its own: some request of the run above is refused.
  const shipped = loadShippedRbac(['diagnose', 'patch', 'ephemeral-probes'], root);
  const roles = shipped.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole') as unknown as RoleObject[];
  const bindings = shipped.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') as unknown as BindingObject[];
  for (const role of roles) {
    for (const [i, rule] of (role.rules ?? []).entries()) {
      for (const verb of rule.verbs) {
        const label = `${role.kind}/${role.metadata.name} rule ${i + 1}: ${verb} ${(rule.resources ?? []).join(',')}${rule.resourceNames ? ` [${rule.resourceNames.join(',')}]` : ''}`;
        it(`without "${label}" the worker's run is refused something`, () => {
          const without: RbacObjects = {
            roles: roles.map((r) => (r !== role ? r : { ...r, rules: r.rules!.map((x, j) => (j !== i ? x : { ...x, verbs: x.verbs.filter((v) => v !== verb) })) })),
            bindings,
          };
          const refused = requests.filter((r) => r.verb === verb && !authorize(without, worker, r).allowed);
          expect(refused.length, `no request of the run needed ${label}`).toBeGreaterThan(0);
        });
      }
    }
  }
});

describe('a rule removed in the lab becomes a 403 that the report names', { timeout: 120_000 }, () => {
  it('on Kubernetes 1.35, exec without `create` on pods/exec: the report says which in-pod reads could not run, and still concludes', async () => {
    const lab = await startLab(seed, { minorVersion: 35 });
    try {
      const role = lab.state.store.get('clusterroles', undefined, 'dnswhy-diagnose') as any;
      const rules = role.rules.map((r: any) => (r.resources.includes('pods/exec') ? { ...r, verbs: ['get'] } : r));
      lab.state.store.update('clusterroles', { ...role, rules });
      const access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
      const report = await runDiagnosis({ access, network: lab.network, name: 'lab' }, { pod: 'mos/mos-model-6c9f7b5d8-x2k4p', name: 's3.cloud-b.example' }, { burst: { count: 20, concurrency: 5 } });
      const denied = lab.backend.audit.filter((a) => a.user === worker.name && !a.allowed);
      expect(denied.map((d) => `${d.verb} ${d.resource}/${d.subresource}`)).toContain('create pods/exec');
      expect(JSON.stringify(report)).toContain('get,create pods/exec in namespace mos');
      expect(report.findings.map((f) => f.checkId)).toContain('upstream-split-horizon');
    } finally {
      await lab.stop();
    }
  });
});
