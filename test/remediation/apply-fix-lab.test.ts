/**
 * applyFix / rollbackFix against the embedded lab: the lab's API server (patch flavours, dry run,
 * preconditions, rollouts) and its CoreDNS replicas, which reload a changed ConfigMap and
 * report the loaded Corefile's sha512 in coredns_reload_version_info. The result is also checked
 * with the real kubectl.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CorefilePatchFix, WorkloadPatchFix } from '../../src/core/model/index.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';
import { applyFix } from '../../src/remediation/apply-fix.js';
import { FixRejectedError, StaleTargetError } from '../../src/remediation/apply-types.js';
import { rollbackFix } from '../../src/remediation/rollback.js';

const seed = join(import.meta.dirname, '..', '..', 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const sha512 = (t: string) => createHash('sha512').update(t).digest('hex');
const fast = { pollMs: 50, reloadTimeoutMs: 5000 };

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function setup() {
  lab = await startLab(seed);
  return { lab, access: KubeClusterAccess.fromKubeconfig(lab.kubeconfigPath) };
}

/** The Corefile as the real kubectl sees it (async: the lab's API server runs in this process). */
async function kubectlCorefile(l: Lab): Promise<string> {
  const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', l.kubeconfigPath, '-n', 'kube-system', 'get', 'configmap', 'coredns', '-o', 'jsonpath={.data.Corefile}'], {
    encoding: 'utf8',
    env: { ...process.env, HOME: l.kubeconfigPath.replace(/\/kubeconfig$/, '') },
  });
  return stdout;
}

function fixFor(before: string, after: string, resourceVersion: string): CorefilePatchFix {
  return {
    kind: 'corefile-patch',
    title: 'forward cloud-b.example to the cloud-b resolver',
    blastRadius: 'every pod resolving names under cloud-b.example',
    risk: 'low',
    target: { namespace: 'kube-system', name: 'coredns', key: 'Corefile', resourceVersion },
    before,
    after,
    diff: '',
    changes: 'adds a server block for cloud-b.example',
    simulation: { failing: { name: 's3.cloud-b.example', type: 'A', client: '10.245.4.17', before: '', after: '', changed: true }, controls: [], proof: '' },
    needsRestart: false,
  };
}

describe('applyFix / rollbackFix into a provider\'s coredns-custom ConfigMap (lab)', () => {
  const managed = join(import.meta.dirname, '..', '..', 'scenarios', 'variants', 'managed-coredns-custom-mixed-upstreams.yaml');

  it('adds the key the managed Corefile imports, leaves the Corefile alone, CoreDNS reloads through the import; rollback removes the key; a key that breaks the Corefile is refused', async () => {
    lab = await startLab(managed);
    const access = KubeClusterAccess.fromKubeconfig(lab.kubeconfigPath);
    const main = (await access.readConfigMap('kube-system', 'coredns')).data.Corefile!;
    const cm = await access.readConfigMap('kube-system', 'coredns-custom');
    const block = 'ad.northwind.example:53 {\n    errors\n    forward . 10.1.0.4 10.1.0.5\n}\n';
    const fix: CorefilePatchFix = { ...fixFor('', block, cm.resourceVersion), target: { namespace: 'kube-system', name: 'coredns-custom', key: 'ad.northwind.example.server', resourceVersion: cm.resourceVersion } };
    const applied = await applyFix(access, fix, fast);
    expect(applied).toMatchObject({ applied: true, dryRunOk: true, needsRestart: false, target: { name: 'coredns-custom', key: 'ad.northwind.example.server' } });
    // Both replicas reloaded, and what they hash is the configuration with its imports, not the Corefile alone.
    expect(applied.reloaded).toHaveLength(2);
    for (const r of applied.reloaded) expect(r.hash).not.toBe(sha512(main));
    expect((await access.readConfigMap('kube-system', 'coredns')).data.Corefile).toBe(main);
    expect((await access.readConfigMap('kube-system', 'coredns-custom')).data).toEqual({ ...cm.data, 'ad.northwind.example.server': block });

    const back = await rollbackFix(access, applied, fast);
    expect(back.reloaded).toHaveLength(2);
    const restored = await access.readConfigMap('kube-system', 'coredns-custom');
    expect(restored.data).toEqual(cm.data);

    // forward without a destination makes CoreDNS refuse the whole Corefile: nothing is written.
    const broken: CorefilePatchFix = { ...fix, after: 'ad.northwind.example:53 {\n    forward\n}\n', target: { ...fix.target, resourceVersion: restored.resourceVersion } };
    await expect(applyFix(access, broken, fast)).rejects.toBeInstanceOf(FixRejectedError);
    expect((await access.readConfigMap('kube-system', 'coredns-custom')).data).toEqual(cm.data);
  });
});

describe('applyFix / rollbackFix in the lab (seed 000)', () => {
  it('applies a Corefile fix that CoreDNS reloads, refuses a stale proposal, and rolls back', async () => {
    const { lab, access } = await setup();
    const cm = await access.readConfigMap('kube-system', 'coredns');
    const before = cm.data.Corefile!;
    const after = `${before}cloud-b.example:53 {\n    forward . 10.119.0.2\n    cache 30\n    reload\n}\n`;
    const applied = await applyFix(access, fixFor(before, after, cm.resourceVersion), fast);
    expect(applied).toMatchObject({ applied: true, dryRunOk: true, needsRestart: false });
    expect(applied.reloaded.map((r) => r.hash)).toEqual([sha512(after), sha512(after)]);
    expect(await kubectlCorefile(lab)).toBe(after);
    expect(applied.previous).toMatchObject({ kind: 'ConfigMap', resourceVersion: cm.resourceVersion, data: { Corefile: before } });

    // The same proposal again: the ConfigMap moved on since it was made.
    const stale = await applyFix(access, fixFor(before, after, cm.resourceVersion), fast).catch((e) => e);
    expect(stale).toBeInstanceOf(StaleTargetError);
    expect(await kubectlCorefile(lab)).toBe(after);

    const back = await rollbackFix(access, applied, fast);
    expect(back.reloaded.map((r) => r.hash)).toEqual([sha512(before), sha512(before)]);
    expect(await kubectlCorefile(lab)).toBe(before);
  });

  it('reports that a Corefile without reload needs a restart, and restarts CoreDNS when asked', async () => {
    const { lab, access } = await setup();
    const cm = await access.readConfigMap('kube-system', 'coredns');
    const before = cm.data.Corefile!;
    const after = before.replace(/^\s*reload\n/m, '');
    expect(after).not.toBe(before);
    const r = await applyFix(access, fixFor(before, after, cm.resourceVersion), { ...fast, restartIfNeeded: true });
    expect(r.restarted).toEqual({ namespace: 'kube-system', name: 'coredns' });
    expect(r.steps.map((s) => s.step)).toEqual(['re-read', 'validate', 'dry-run', 'patch', 'restart', 'rollout']);
    const pods = await access.listPods('kube-system', { labelSelector: 'k8s-app=kube-dns' });
    expect(pods.map((p) => p.name)).not.toContain('coredns-7dbc744b8d-5svcg');
    expect(r.needsRestart).toBe(false);
    void lab;
  });

  it('applies a workload fix to the owning Deployment and rolls its template back exactly', async () => {
    const { access } = await setup();
    const d = await access.readWorkload('Deployment', 'mos', 'mos-model');
    expect(d.generation).toBeGreaterThan(0);
    const fix: WorkloadPatchFix = {
      kind: 'workload-patch',
      title: 'pin s3.cloud-b.example to its in-VPC address',
      blastRadius: 'pods of deploy/mos-model',
      risk: 'medium',
      target: { kind: 'Deployment', namespace: 'mos', name: 'mos-model', resourceVersion: d.resourceVersion, generation: d.generation! },
      patch: { spec: { template: { spec: { hostAliases: [{ ip: '10.118.163.242', hostnames: ['s3.cloud-b.example'] }] } } } },
      diff: '',
      changes: 'adds a hostAliases entry',
    };
    const r = await applyFix(access, fix, fast);
    expect(r.previous).toMatchObject({ kind: 'Deployment', templateSpec: { hostAliases: null } });
    const patched = await access.readWorkload('Deployment', 'mos', 'mos-model');
    expect((patched.template.spec as { hostAliases: unknown }).hostAliases).toEqual([{ ip: '10.118.163.242', hostnames: ['s3.cloud-b.example'] }]);
    // The rollout rewrote the Deployment's status (its resourceVersion moved on); the template did not change.
    expect(patched.resourceVersion).not.toBe(r.newResourceVersion);
    await rollbackFix(access, r, fast);
    const restored = await access.readWorkload('Deployment', 'mos', 'mos-model');
    expect(restored.template).toEqual(d.template);
    // The proposal is now stale: the spec changed twice since (generation moved on).
    const stale = await applyFix(access, fix, fast).catch((e) => e);
    expect(stale).toBeInstanceOf(StaleTargetError);
    expect(stale.message).toMatch(/generation/);
  });
});
