/**
 * The lab refuses and holds back pods as an API server and a kubelet would, and dnswhy's probe pods
 * say why they could not run instead of waiting silently: Pod Security "restricted" (real kubectl
 * sees the 403), a ResourceQuota, a NoExecute taint, a slow first image pull, an image that may not
 * be pulled. The probe pods' own body (tolerations, restricted security, requests and limits) is what
 * lets them through where they can pass.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ProbePodSpec } from '../../../src/core/cluster-access.js';
import type { ProbeErrorEvidence } from '../../../src/core/model/index.js';
import { startLab, type Lab } from '../../../src/lab/lab.js';
import { probeCommand, probePodLabels, runProbePod, whyNotRun } from '../../../src/probes/gather/probe-pods.js';
import { probePodManifest } from '../../../src/probes/kube/probe-manifests.js';
import { KubeClusterAccess } from '../../../src/probes/kube/kube-cluster-access.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'dnswhy-admission-'));
let lab: Lab;
let access: KubeClusterAccess;

beforeAll(async () => {
  const s = parse(readFileSync(join(root, 'scenarios', 'healthy-cluster.yaml'), 'utf8'));
  s.nodes[0].taints = [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }];
  s.nodes[1].imagePullSeconds = 30;
  s.namespaces = [{ name: 'secure', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } }];
  s.resourceQuotas = [
    { namespace: 'batch', name: 'pod-count', hard: { pods: 1 } },
    { namespace: 'capped', name: 'compute', hard: { 'limits.memory': '100Mi' } },
  ];
  s.pods.push({ namespace: 'batch', name: 'nightly-1', node: 'node-a', ip: '10.244.1.60' });
  const file = join(dir, 'admission.yaml');
  writeFileSync(file, stringify(s));
  lab = await startLab(file);
  access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
/** A node-view probe pod, as the worker sends it. */
function probe(namespace: string, node: string, extra: Partial<ProbePodSpec> = {}): ProbePodSpec {
  n += 1;
  return {
    namespace,
    name: `dnswhy-node-test${n}`,
    labels: { ...probePodLabels },
    image: 'ghcr.io/dnswhy/dnswhy:0.1.0',
    command: probeCommand({ mode: 'node-view', name: 'www.example.org', dnsServiceIp: '10.96.0.10', endpoints: [], tcpPorts: [], upstreams: [], node }),
    nodeName: node,
    dnsPolicy: 'Default',
    ...extra,
  };
}

const runIt = (spec: ProbePodSpec, timeoutMs = 10_000) =>
  runProbePod(access, { label: `node-view probe on ${spec.nodeName}`, what: `what ${spec.nodeName} answers`, pod: spec, origin: () => ({ kind: 'node', name: spec.nodeName! }), timeoutMs, pollMs: 50 });
const errorsOf = (ev: { kind: string }[]) => ev.filter((e): e is ProbeErrorEvidence => e.kind === 'probe-error');

async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run('kubectl', ['--kubeconfig', lab.kubeconfigPath, ...args], { env: { PATH: process.env['PATH'], HOME: dir }, timeout: 20000 });
    return { stdout: r.stdout, stderr: r.stderr, code: 0 };
  } catch (e: any) {
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  }
}

describe('Pod Security "restricted" (namespace label pod-security.kubernetes.io/enforce)', { timeout: 60_000 }, () => {
  it('refuses a pod that is not compliant, as real kubectl shows it', async () => {
    const r = await kubectl('-n', 'secure', 'run', 'debug', '--image=busybox:1.36', '--restart=Never');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Error from server (Forbidden): pods "debug" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "debug" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "debug" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "debug" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "debug" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  });

  it("admits dnswhy's probe pod (restricted security) and refuses a hostNetwork twin, naming admission, not RBAC", async () => {
    const ok = await runIt(probe('secure', 'node-a'));
    expect(errorsOf(ok)).toEqual([]);
    const refused = errorsOf(await runIt(probe('secure', 'node-a', { hostNetwork: true })));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatch(/^refused at admission \(not RBAC\): create pods dnswhy-node-test\d+ in namespace secure: pods "dnswhy-node-test\d+" is forbidden: violates PodSecurity "restricted:latest": host namespaces \(hostNetwork=true\)$/);
    expect(refused[0]!.rbac).toBeUndefined();
  });
});

describe('ResourceQuota', { timeout: 60_000 }, () => {
  it('refuses a pod over the pod count with the amounts, and one that does not say its memory limit', async () => {
    const [over] = errorsOf(await runIt(probe('batch', 'node-a')));
    expect(over!.reason).toMatch(/is forbidden: exceeded quota: pod-count, requested: pods=1, used: pods=1, limited: pods=1$/);
    const r = await kubectl('-n', 'capped', 'run', 'x', '--image=busybox:1.36', '--restart=Never');
    expect(r.stderr).toContain('pods "x" is forbidden: failed quota: compute: must specify limits.memory for: x');
  });

  it("counts a probe pod's limits (128Mi does not fit 100Mi)", async () => {
    const [over] = errorsOf(await runIt(probe('capped', 'node-a')));
    expect(over!.reason).toMatch(/exceeded quota: compute, requested: limits\.memory=128Mi, used: limits\.memory=0, limited: limits\.memory=100Mi$/);
  });
});

describe('a NoExecute taint', { timeout: 60_000 }, () => {
  it('the kubelet rejects a bound pod without a toleration at once; the probe pod (tolerates every taint) runs', async () => {
    const r = await kubectl('-n', 'shop', 'run', 'pinned', '--image=busybox:1.36', '--restart=Never', '--overrides', JSON.stringify({ spec: { nodeName: 'node-a' } }));
    expect(r.code, r.stderr).toBe(0);
    let pod: any;
    for (let i = 0; i < 50 && pod?.status?.phase !== 'Failed'; i++) {
      pod = JSON.parse((await kubectl('-n', 'shop', 'get', 'pod', 'pinned', '-o', 'json')).stdout);
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(pod.status).toMatchObject({ phase: 'Failed', reason: 'TaintToleration', message: 'Pod was rejected: Predicate TaintToleration failed: node(s) had untolerated taint {dedicated: gpu}' });
    const tolerant = await runIt(probe('shop', 'node-a'));
    expect(errorsOf(tolerant)).toEqual([]);
    expect(tolerant.map((e) => e.kind)).toContain('node-resolv-conf');
  });

  it("a probe pod that does not tolerate it is reported as rejected, with the kubelet's reason (not as a missing log)", async () => {
    const spec = probe('shop', 'node-a');
    // The pod body without its tolerations: what the worker sent before probe pods tolerated every taint.
    const body = probePodManifest(spec);
    delete body.spec!.tolerations;
    const file = join(dir, 'untolerating.json');
    writeFileSync(file, JSON.stringify(body));
    expect((await kubectl('create', '-f', file)).code).toBe(0);
    const done = await access.waitForCompletion('shop', spec.name, { timeoutMs: 10_000, pollMs: 50 });
    expect(whyNotRun({ pod: spec, timeoutMs: 10_000 }, done)).toBe(
      `probe pod shop/${spec.name} on node node-a was rejected by the kubelet (TaintToleration: Pod was rejected: Predicate TaintToleration failed: node(s) had untolerated taint {dedicated: gpu}).`,
    );
  });
});

describe('the end of a probe pod', () => {
  it('is seen from a watch on the pod, not at the next poll (polling every 60 s here, the test gives up after 20 s)', { timeout: 20_000 }, async () => {
    const spec = probe('shop', 'node-a');
    await access.createPod(spec);
    try {
      const done = await access.waitForCompletion('shop', spec.name, { timeoutMs: 120_000, pollMs: 60_000 });
      expect(done).toMatchObject({ phase: 'Succeeded', timedOut: false });
    } finally {
      await access.deletePod('shop', spec.name);
    }
  });
});

describe('image pulls', { timeout: 60_000 }, () => {
  it('a first pull longer than the deadline: the probe pod is reported Pending in ContainerCreating, naming the image', async () => {
    const [slow] = errorsOf(await runIt(probe('shop', 'node-b'), 1500));
    expect(slow!.reason).toMatch(/^probe pod shop\/dnswhy-node-test\d+ on node node-b was still Pending after 1500 ms \(ContainerCreating: the kubelet is still pulling image ghcr\.io\/dnswhy\/dnswhy:0\.1\.0 or creating the container\)$/);
    expect(lab.state.pod('shop', slow!.reason.split(' ')[2]!.split('/')[1]!)).toBeUndefined(); // deleted afterwards
  });

  it('with a pull budget, a probe pod whose image is still being pulled is reported at the first look (pull policy IfNotPresent: a pull means a download), by the kubelet events kubectl shows', async () => {
    const image = 'ghcr.io/dnswhy/dnswhy:0.1.0-pull-budget';
    const spec = probe('shop', 'node-b', { image });
    const [pulling] = errorsOf(await runProbePod(access, { label: 'node-view probe on node-b', what: 'what node-b answers', pod: spec, origin: () => ({ kind: 'node', name: 'node-b' }), timeoutMs: 30_000, pullBudgetMs: 300, pollMs: 50 }));
    expect(pulling!.reason).toBe(`probe pod shop/${spec.name} on node node-b was still Pending after 200 ms (ContainerCreating: the kubelet is still pulling image ${image}, by its events; the report did not wait for the pull)`);
    expect(pulling!.ms).toBeLessThan(30_000);
    const events = await kubectl('-n', 'shop', 'get', 'events', '--field-selector', `involvedObject.name=${spec.name}`, '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}');
    expect(events.stdout.trim()).toBe(`Pulling Pulling image "${image}"`);
  });

  it('an image the node may not pull (pull policy Never) is reported at once, long before the deadline', async () => {
    const [never] = errorsOf(await runIt(probe('shop', 'node-b', { image: 'registry.example.org/dnswhy:mirror', imagePullPolicy: 'Never' }), 30_000));
    expect(never!.reason).toBe(
      `probe pod shop/dnswhy-node-test${n} on node node-b cannot start (ErrImageNeverPull: Container image "registry.example.org/dnswhy:mirror" is not present with pull policy of Never). The kubelet cannot get image registry.example.org/dnswhy:mirror: set DNSWHY_PROBE_IMAGE to an image the nodes can pull, or DNSWHY_PROBE_PULL_SECRETS for a private registry.`,
    );
    expect(never!.ms).toBeLessThan(30_000);
  });
});
