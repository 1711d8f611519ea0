/**
 * Every overlay under deploy/overlays, rendered with the real `kubectl kustomize`: the objects it
 * must hold (and must not), no Secret among them (re-applying must never overwrite real tokens),
 * the bot's pods under the restricted Pod Security profile with probes and resources, a
 * PodDisruptionBudget for each workload with more than one replica and a NetworkPolicy for each,
 * and `kubectl apply --dry-run=server` of it against the lab, which stores nothing. The table is
 * the list: an overlay without a row fails.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startLab } from '../../src/lab/lab.js';
import { authorize, serviceAccountUser, type BindingObject, type RoleObject } from '../../src/lab/rbac/authorizer.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const seed = join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const home = mkdtempSync(join(tmpdir(), 'dnswhy-overlays-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const app = ['Deployment/dnswhy-app', 'Service/dnswhy-app', 'PodDisruptionBudget/dnswhy-app', 'NetworkPolicy/dnswhy-app'];
const worker = ['Deployment/dnswhy-worker', 'Service/dnswhy-worker', 'PodDisruptionBudget/dnswhy-worker', 'NetworkPolicy/dnswhy-worker', 'ServiceAccount/dnswhy-worker', 'ClusterRole/dnswhy-diagnose', 'ClusterRoleBinding/dnswhy-diagnose', 'Role/dnswhy-diagnose-coredns', 'ClusterRole/dnswhy-probe-pods'];
/** Probe pods anywhere (the base) or in one namespace only (the probe-namespace component). */
const probePodsAnywhere = ['ClusterRoleBinding/dnswhy-probe-pods'];
const probeNamespace = ['Namespace/dnswhy-probes', 'RoleBinding/dnswhy-probe-pods', 'NetworkPolicy/dnswhy-probe'];
const patch = ['ClusterRole/dnswhy-patch', 'ClusterRoleBinding/dnswhy-patch', 'Role/dnswhy-patch-coredns'];
const redis = ['StatefulSet/dnswhy-redis', 'Service/dnswhy-redis', 'NetworkPolicy/dnswhy-redis'];
const shared = ['Namespace/dnswhy', 'ConfigMap/dnswhy-config'];

interface Row {
  must: string[];
  mustNot: string[];
  /** Environment the worker must end up with. */
  workerEnv?: Record<string, string>;
  /** REDIS_URL the shared ConfigMap must end up with. */
  redisUrl?: string;
}

const rows: Record<string, Row> = {
  'all-in-one': { must: [...shared, ...app, ...worker, ...patch, ...redis, ...probePodsAnywhere], mustNot: ['ServiceMonitor/dnswhy', ...probeNamespace], workerEnv: { DNSWHY_DIAGNOSE_ONLY: 'false' }, redisUrl: 'redis://dnswhy-redis:6379' },
  'diagnose-only': { must: [...shared, ...app, ...worker, ...probePodsAnywhere], mustNot: [...patch, ...redis, ...probeNamespace], workerEnv: { DNSWHY_DIAGNOSE_ONLY: 'true' } },
  'app-only': { must: [...shared, ...app], mustNot: [...worker, ...patch, ...redis, ...probePodsAnywhere, ...probeNamespace] },
  'another-cluster-worker': {
    must: [...shared, ...worker, ...patch, ...probeNamespace],
    // dnswhy-inputs is local-config: read by the replacements, never applied.
    mustNot: [...app, ...redis, ...probePodsAnywhere, 'ConfigMap/dnswhy-inputs'],
    workerEnv: { DNSWHY_CLUSTER: 'staging-us', DNSWHY_DIAGNOSE_ONLY: 'false', DNSWHY_PROBE_NAMESPACE: 'dnswhy-probes' },
    redisUrl: 'rediss://redis.example.org:6380',
  },
  monitoring: { must: [...shared, ...app, ...worker, ...patch, ...redis, ...probePodsAnywhere, 'ServiceMonitor/dnswhy'], mustNot: [...probeNamespace] },
};

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown>; data?: Record<string, string> };
interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string }; exec?: unknown };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { securityContext?: Record<string, unknown>; containers: Container[] };
}

const overlaysDir = join(root, 'deploy', 'overlays');
const rendered = new Map<string, { file: string; objects: Obj[] }>();

beforeAll(async () => {
  for (const name of Object.keys(rows)) {
    const { stdout } = await run('kubectl', ['kustomize', join(overlaysDir, name)], { encoding: 'utf8' });
    const file = join(home, `${name}.yaml`);
    writeFileSync(file, stdout);
    rendered.set(name, { file, objects: parseAllDocuments(stdout).map((d) => d.toJSON() as Obj) });
  }
}, 60_000);

const ref = (o: Obj) => `${o.kind}/${o.metadata.name}`;
const workloads = (objects: Obj[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const template = (o: Obj) => (o.spec as { template: PodTemplate }).template;
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

describe('the overlays (kubectl kustomize)', () => {
  it('has a row for every overlay folder', () => {
    expect(readdirSync(overlaysDir).sort()).toEqual(Object.keys(rows).sort());
  });

  for (const [name, row] of Object.entries(rows)) {
    describe(name, () => {
      it('holds the objects it must, none it must not, and no Secret', () => {
        const refs = rendered.get(name)!.objects.map(ref);
        expect(refs).toEqual(expect.arrayContaining(row.must));
        for (const r of row.mustNot) expect(refs).not.toContain(r);
        expect(rendered.get(name)!.objects.filter((o) => o.kind === 'Secret')).toEqual([]);
      });

      it('configures the worker and Redis as the overlay says', () => {
        const objects = rendered.get(name)!.objects;
        if (row.workerEnv) {
          const env = Object.fromEntries((template(objects.find((o) => ref(o) === 'Deployment/dnswhy-worker')!).spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
          expect(env).toMatchObject(row.workerEnv);
        }
        if (row.redisUrl) expect(objects.find((o) => ref(o) === 'ConfigMap/dnswhy-config')!.data!.REDIS_URL).toBe(row.redisUrl);
      });

      it('runs every pod under the restricted profile, with probes, resources, a disruption budget and a network policy', () => {
        const objects = rendered.get(name)!.objects;
        expect(objects.find((o) => o.kind === 'Namespace')!.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
        for (const w of workloads(objects)) {
          const t = template(w);
          expect(t.spec.securityContext, ref(w)).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
          for (const c of t.spec.containers) {
            expect(c.securityContext, `${ref(w)} ${c.name}`).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
            expect(c.resources?.requests?.memory && c.resources.requests.cpu && c.resources.limits?.memory, `${ref(w)} resources`).toBeTruthy();
            expect(c.livenessProbe, `${ref(w)} liveness`).toBeDefined();
            expect(c.readinessProbe, `${ref(w)} readiness`).toBeDefined();
            if (w.kind === 'Deployment') {
              expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
              expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
            }
          }
          const labels = t.metadata.labels;
          const replicas = (w.spec as { replicas?: number }).replicas ?? 1;
          const pdb = objects.filter((o) => o.kind === 'PodDisruptionBudget' && matches((o.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, labels));
          expect(pdb.length, `${ref(w)} (${replicas} replicas) disruption budget`).toBe(replicas > 1 ? 1 : 0);
          const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && matches((o.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels, labels));
          expect(policies.length, `${ref(w)} network policy`).toBe(1);
          expect((policies[0]!.spec as { policyTypes: string[] }).policyTypes).toEqual(['Ingress', 'Egress']);
        }
      });

      it('is accepted by the API server (kubectl apply --dry-run=server against the lab), which stores nothing', { timeout: 120_000 }, async () => {
        const refs = rendered.get(name)!.objects.map(ref);
        const lab = await startLab(seed, { dns: false, rbac: refs.includes('ClusterRole/dnswhy-patch') ? ['diagnose', 'patch'] : ['diagnose'] });
        try {
          const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', lab.kubeconfigPath, ...args], { encoding: 'utf8', env: { ...process.env, HOME: home } });
          // A server dry run creates no namespace, so objects in a namespace the overlay itself adds
          // (the probe namespace) need it to exist first, as after a real apply's first object.
          for (const ns of rendered.get(name)!.objects.filter((o) => o.kind === 'Namespace' && o.metadata.name !== 'dnswhy')) {
            const file = join(home, `${name}-${ns.metadata.name}.json`);
            writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.metadata.name } }));
            await kubectl('apply', '-f', file);
          }
          const { stdout } = await kubectl('apply', '--dry-run=server', '-f', rendered.get(name)!.file);
          const lines = stdout.trim().split('\n');
          expect(lines.length).toBe(refs.length);
          expect(lines.every((l) => / \(server dry run\)$/.test(l)), stdout).toBe(true);
          const first = rendered.get(name)!.objects.find((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')!;
          await expect(kubectl('-n', 'dnswhy', 'get', first.kind.toLowerCase(), first.metadata.name)).rejects.toThrow(/NotFound/);
        } finally {
          await lab.stop();
        }
      });
    });
  }
});

describe('another-cluster-worker: cluster name, Redis URL and probe namespace are its only inputs', () => {
  it('a copy with three other values renders them wherever they belong, and nothing of the defaults', async () => {
    const copy = mkdtempSync(join(home, 'copy-'));
    cpSync(join(root, 'deploy'), join(copy, 'deploy'), { recursive: true });
    const file = join(copy, 'deploy', 'overlays', 'another-cluster-worker', 'kustomization.yaml');
    const edited = readFileSync(file, 'utf8')
      .replace('- cluster=staging-us', '- cluster=edge-ap-2')
      .replace('- redisUrl=rediss://redis.example.org:6380', '- redisUrl=rediss://cache.internal.example:6390')
      .replace('- probeNamespace=dnswhy-probes', '- probeNamespace=sre-dns-probes');
    writeFileSync(file, edited);
    const { stdout } = await run('kubectl', ['kustomize', join(copy, 'deploy', 'overlays', 'another-cluster-worker')], { encoding: 'utf8' });
    const objects = parseAllDocuments(stdout).map((d) => d.toJSON() as Obj);
    const env = Object.fromEntries((template(objects.find((o) => ref(o) === 'Deployment/dnswhy-worker')!).spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ DNSWHY_CLUSTER: 'edge-ap-2', DNSWHY_PROBE_NAMESPACE: 'sre-dns-probes' });
    expect(objects.find((o) => ref(o) === 'ConfigMap/dnswhy-config')!.data!.REDIS_URL).toBe('rediss://cache.internal.example:6390');
    expect(objects.find((o) => ref(o) === 'Namespace/sre-dns-probes')!.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(objects.find((o) => ref(o) === 'RoleBinding/dnswhy-probe-pods')!.metadata.namespace).toBe('sre-dns-probes');
    expect(objects.find((o) => ref(o) === 'NetworkPolicy/dnswhy-probe')!.metadata.namespace).toBe('sre-dns-probes');
    expect(stdout).not.toMatch(/staging-us|redis\.example\.org|dnswhy-probes|dnswhy-inputs/);
  });

  it('lets the worker create and delete pods only in the probe namespace (exec and reads stay cluster-wide: the diagnosed pod\'s files)', () => {
    const objects = rendered.get('another-cluster-worker')!.objects as unknown as (RoleObject | BindingObject)[];
    const rbac = {
      roles: objects.filter((o): o is RoleObject => o.kind === 'Role' || o.kind === 'ClusterRole'),
      bindings: objects.filter((o): o is BindingObject => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding'),
    };
    const worker = serviceAccountUser('dnswhy', 'dnswhy-worker');
    const may = (verb: string, namespace: string, subresource?: string) => authorize(rbac, worker, { verb, group: '', resource: 'pods', namespace, ...(subresource ? { subresource } : {}) }).allowed;
    for (const verb of ['create', 'delete']) {
      expect(may(verb, 'dnswhy-probes'), `${verb} pods in dnswhy-probes`).toBe(true);
      for (const ns of ['mos', 'kube-system', 'dnswhy', 'default']) expect(may(verb, ns), `${verb} pods in ${ns}`).toBe(false);
    }
    expect(may('create', 'mos', 'exec')).toBe(true);
    expect(may('get', 'mos', 'log')).toBe(true);
  });
});
