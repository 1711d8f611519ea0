import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CorefilePatchFix, WorkloadPatchFix } from '../../src/core/model/index.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';
import { applyFix } from '../../src/remediation/apply-fix.js';
import { FixRejectedError, StaleTargetError } from '../../src/remediation/apply-types.js';
import { rollbackFix } from '../../src/remediation/rollback.js';
import type { FakeApiServer, FakeOptions, Obj } from '../probes/kube/fake-apiserver.js';
import { corefile, startFakeCluster } from '../probes/kube/fake-cluster.js';

let fake: FakeApiServer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const sha = (t: string) => createHash('sha512').update(t).digest('hex');

/**
 * fake-apiserver (mocked cluster) whose CoreDNS replicas "reload" a written Corefile shortly after
 * the write when it has `reload` (coredns_reload_version_info changes), as the reload plugin does.
 */
async function setup(opts: FakeOptions & { reloadDelayMs?: number; reloads?: boolean } = {}) {
  const loaded: Record<string, string> = { 'coredns-5d78c-aaaaa': sha(corefile), 'coredns-5d78c-bbbbb': sha(corefile) };
  fake = await startFakeCluster({
    metrics: (pod) => (loaded[pod] ? `coredns_reload_version_info{hash="sha512",value="${loaded[pod]}"} 1\n` : undefined),
    onWrite: (resource, obj) => {
      if (resource !== 'configmaps' || obj.metadata.name !== 'coredns') return;
      const text: string = obj.data.Corefile;
      if (opts.reloads === false || !/^\s*reload\b/m.test(text)) return;
      setTimeout(() => {
        for (const p of Object.keys(loaded)) loaded[p] = sha(text);
      }, opts.reloadDelayMs ?? 50);
    },
    ...opts,
  });
  return { fake, access: KubeClusterAccess.fromKubeconfigText(fake.kubeconfig(), undefined, { readRetries: 0 }), loaded };
}

const fixed = corefile.replace('forward . 192.168.7.2:53', 'forward . 192.168.7.3:53');

function corefileFix(over: Partial<CorefilePatchFix> = {}, rv?: string): CorefilePatchFix {
  return {
    kind: 'corefile-patch',
    title: 'forward cloud-b.example to the cloud-b resolver',
    blastRadius: 'every pod resolving cloud-b.example',
    risk: 'low',
    target: { namespace: 'kube-system', name: 'coredns', key: 'Corefile', ...(rv ? { resourceVersion: rv } : {}) },
    before: corefile,
    after: fixed,
    diff: '',
    changes: 'replace the upstream',
    simulation: { failing: { name: 's3.cloud-b.example', type: 'A', client: '10.244.2.7', before: '', after: '', changed: true }, controls: [], proof: '' },
    needsRestart: false,
    ...over,
  };
}

const patches = (f: FakeApiServer) => f.requests.filter((r) => r.method === 'PATCH');
const fast = { pollMs: 20, reloadTimeoutMs: 2000 };

describe('applyFix / rollbackFix against the fake-apiserver (mocked cluster)', () => {
  it('applies a Corefile fix: re-read, validate, dry run, patch with the precondition, wait for reload', async () => {
    const { fake, access } = await setup();
    const rv = fake.get('configmaps', 'kube-system', 'coredns')!.metadata.resourceVersion;
    const seen: string[] = [];
    const r = await applyFix(access, corefileFix({}, rv), { ...fast, onStep: (s) => seen.push(s.step) });
    expect(r).toMatchObject({ applied: true, dryRunOk: true, needsRestart: false, target: { kind: 'ConfigMap', name: 'coredns', key: 'Corefile' } });
    expect(seen).toEqual(['re-read', 'validate', 'dry-run', 'patch', 'reload']);
    // Validated for the version the replicas run (from their image).
    expect(r.steps[1]!.detail).toBe('Corefile parses and validates for CoreDNS 1.11.1');
    expect(r.reloaded.map((x) => [x.pod, x.hash])).toEqual([
      ['coredns-5d78c-aaaaa', sha(fixed)],
      ['coredns-5d78c-bbbbb', sha(fixed)],
    ]);
    const [dry, real] = patches(fake);
    expect(dry!.query.get('dryRun')).toBe('All');
    expect(real!.query.get('dryRun')).toBeNull();
    for (const p of [dry!, real!]) expect((p.body as Obj).metadata.resourceVersion).toBe(rv);
    expect(r.previous).toEqual({ kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns', key: 'Corefile', resourceVersion: rv, data: { Corefile: corefile } });
    const now = fake.get('configmaps', 'kube-system', 'coredns')!;
    expect(now.data.Corefile).toBe(fixed);
    expect(r.newResourceVersion).toBe(now.metadata.resourceVersion);
  });

  it('refuses when the ConfigMap changed since the proposal, and writes nothing', async () => {
    const { fake, access } = await setup();
    const err = await applyFix(access, corefileFix({}, '1'), fast).catch((e) => e);
    expect(err).toBeInstanceOf(StaleTargetError);
    expect(err.message).toMatch(/changed since proposed.*re-diagnose/);
    expect(patches(fake)).toEqual([]);
    // Without a resourceVersion in the proposal, the text itself is compared.
    const err2 = await applyFix(access, corefileFix({ before: 'something else' }), fast).catch((e) => e);
    expect(err2).toBeInstanceOf(StaleTargetError);
    expect(patches(fake)).toEqual([]);
  });

  it('refuses a Corefile that does not validate, before any write', async () => {
    const { fake, access } = await setup();
    const err = await applyFix(access, corefileFix({ after: '.:53 {\n  forward . 10.0.0.1\n' }), fast).catch((e) => e);
    expect(err).toBeInstanceOf(FixRejectedError);
    expect(err.steps.at(-1)).toMatchObject({ step: 'validate', ok: false });
    // Parses, but CoreDNS's setup would refuse it: a plugin used twice in one server block.
    const twice = await applyFix(access, corefileFix({ after: fixed.replace('cache 30', 'cache 30\n    cache 60') }), fast).catch((e) => e);
    expect(twice).toBeInstanceOf(FixRejectedError);
    expect(twice.message).toMatch(/only be used once per Server Block/);
    expect(patches(fake)).toEqual([]);
  });

  it('says a restart is needed when the Corefile has no reload, and restarts CoreDNS when asked', async () => {
    const { fake, access } = await setup();
    const noReload = fixed.replace(/^\s*reload\n/m, '');
    const r = await applyFix(access, corefileFix({ after: noReload }), fast);
    expect(r).toMatchObject({ applied: true, needsRestart: true, reloaded: [] });
    expect(r.steps.at(-1)).toMatchObject({ step: 'reload', ok: false, detail: expect.stringContaining('no `reload`') });
    const again = noReload.replace('cache 30', 'cache 60');
    const r2 = await applyFix(access, corefileFix({ before: noReload, after: again }), { ...fast, reloadTimeoutMs: 200, restartIfNeeded: true });
    expect(r2.restarted).toEqual({ namespace: 'kube-system', name: 'coredns' });
    const dep = fake.get('deployments', 'kube-system', 'coredns')!;
    expect(dep.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);
    // The fake has no controller to replace the pods, so the rollout is reported unfinished.
    expect(r2.needsRestart).toBe(true);
    expect(r2.steps.map((s) => s.step)).toContain('rollout');
  });

  it('restarts CoreDNS and waits until every replica is new and Ready', async () => {
    // The fake's "controller": a restartedAt annotation replaces both CoreDNS pods.
    const { fake, access } = await setup({
      onWrite: (resource, obj, f) => {
        if (resource !== 'deployments' || obj.metadata.name !== 'coredns') return;
        setTimeout(() => {
          for (const old of f.list('pods', 'kube-system')) {
            f.remove('pods', 'kube-system', old.metadata.name);
            f.put('pods', { ...structuredClone(old), metadata: { ...structuredClone(old.metadata), name: `${old.metadata.name}-new` } });
          }
        }, 40);
      },
    });
    const noReload = fixed.replace(/^\s*reload\n/m, '');
    const r = await applyFix(access, corefileFix({ after: noReload }), { ...fast, restartIfNeeded: true });
    expect(r).toMatchObject({ needsRestart: false, restarted: { namespace: 'kube-system', name: 'coredns' } });
    expect(r.steps.at(-1)).toMatchObject({ step: 'rollout', ok: true, detail: expect.stringContaining('coredns-5d78c-aaaaa-new') });
    expect(fake.list('pods', 'kube-system').every((p) => p.metadata.name.endsWith('-new'))).toBe(true);
  });

  it('reports replicas that did not load the new Corefile in time', async () => {
    const { access } = await setup({ reloads: false });
    const r = await applyFix(access, corefileFix(), { pollMs: 20, reloadTimeoutMs: 150 });
    expect(r.needsRestart).toBe(true);
    expect(r.steps.at(-1)!.detail).toMatch(/coredns-5d78c-aaaaa, coredns-5d78c-bbbbb still report the old configuration/);
  });

  it('rolls a Corefile fix back to the exact previous data, and refuses if the ConfigMap moved on', async () => {
    const { fake, access } = await setup();
    const applied = await applyFix(access, corefileFix(), fast);
    const back = await rollbackFix(access, applied, fast);
    expect(fake.get('configmaps', 'kube-system', 'coredns')!.data).toEqual({ Corefile: corefile });
    expect(back.reloaded.map((x) => x.hash)).toEqual([sha(corefile), sha(corefile)]);
    expect(back.previous).toMatchObject({ kind: 'ConfigMap', data: { Corefile: fixed } });
    // Rolling back the same apply again: the ConfigMap changed since (the rollback itself).
    const err = await rollbackFix(access, applied, fast).catch((e) => e);
    expect(err).toBeInstanceOf(StaleTargetError);
    expect(err.message).toMatch(/changed since the fix was applied/);
  });

  it('applies a workload fix to the pod template, keeps the old fields, and rolls back exactly', async () => {
    const { fake, access } = await setup();
    const before = structuredClone(fake.get('deployments', 'shop', 'web')!.spec.template);
    const fix: WorkloadPatchFix = {
      kind: 'workload-patch',
      title: 'add hostAliases',
      blastRadius: 'pods of deploy/web',
      risk: 'low',
      target: { kind: 'Deployment', namespace: 'shop', name: 'web', resourceVersion: fake.get('deployments', 'shop', 'web')!.metadata.resourceVersion },
      patch: { spec: { template: { spec: { hostAliases: [{ ip: '10.2.2.2', hostnames: ['s3.cloud-b.example'] }], dnsConfig: { options: [{ name: 'ndots', value: '2' }] } } } } },
      diff: '',
      changes: 'pin s3 to the reachable address',
    };
    const r = await applyFix(access, fix, fast);
    expect(r.previous).toMatchObject({ kind: 'Deployment', templateSpec: { hostAliases: [{ ip: '10.1.1.1', hostnames: ['legacy.internal'] }], dnsConfig: null } });
    expect(patches(fake).map((p) => [p.contentType, p.query.get('dryRun')])).toEqual([
      ['application/strategic-merge-patch+json', 'All'],
      ['application/strategic-merge-patch+json', null],
    ]);
    expect(fake.get('deployments', 'shop', 'web')!.spec.template.spec.dnsConfig).toEqual({ options: [{ name: 'ndots', value: '2' }] });
    await rollbackFix(access, r, fast);
    expect(patches(fake).at(-1)!.contentType).toBe('application/merge-patch+json');
    expect(fake.get('deployments', 'shop', 'web')!.spec.template).toEqual(before);
  });

  it('refuses workload patches that touch more than the pod template', async () => {
    const { fake, access } = await setup();
    const fix = { kind: 'workload-patch', title: '', blastRadius: '', risk: 'low', target: { kind: 'Deployment', namespace: 'shop', name: 'web' }, patch: { spec: { replicas: 0, template: {} } }, diff: '', changes: '' } as WorkloadPatchFix;
    const err = await applyFix(access, fix, fast).catch((e) => e);
    expect(err).toBeInstanceOf(FixRejectedError);
    expect(err.message).toMatch(/spec\.replicas/);
    expect(patches(fake)).toEqual([]);
  });
});
