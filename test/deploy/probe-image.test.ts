/**
 * Probe pods run the image the configuration names, else the worker's own image (read from its pod,
 * as the downward API in deploy/base/worker.yaml names it), with the configured pull policy and pull
 * secrets, and tolerate every taint. The worker here is a pod of the lab (uses the worker's token).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { openClusterRuntime, type OpenedRuntime } from '../../jobs/open-cluster-runtime.js';
import { defaultProbeImage } from '../../src/probes/gather/probe-pods.js';

const root = join(import.meta.dirname, '..', '..');
const mirror = 'registry.internal.example/mirror/dnswhy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** The healthy scenario with the worker running as a pod of the cluster (a sidecar injected before it). */
const dir = mkdtempSync(join(tmpdir(), 'dnswhy-probe-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function scenarioWithWorkerPod(): string {
  const s = parse(readFileSync(join(root, 'scenarios', 'healthy-cluster.yaml'), 'utf8'));
  s.pods.push({ namespace: 'dnswhy', name: 'dnswhy-worker-5c7d9-abcde', node: 'node-a', ip: '10.244.1.90', owner: { kind: 'Deployment', name: 'dnswhy-worker' }, container: 'worker', image: mirror });
  const file = join(dir, 'with-worker-pod.yaml');
  writeFileSync(file, stringify(s));
  return file;
}

let runtime: OpenedRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

/** Every pod the worker created during a diagnosis, as the API server stored it. */
async function probePodsOf(rt: OpenedRuntime): Promise<any[]> {
  const created: any[] = [];
  rt.lab!.state.store.onChange((c) => {
    if (c.type === 'ADDED' && c.object.kind === 'Pod' && c.object.metadata.labels?.['app.kubernetes.io/managed-by'] === 'dnswhy') created.push(c.object);
  });
  await rt.diagnose({ pod: 'shop/checkout-7f8d6c5b4-2kq9z', name: 'payments' }, () => undefined);
  return created;
}

describe('probe pods as a real cluster runs them (lab)', { timeout: 120_000 }, () => {
  it("run the worker's own image when DNSWHY_PROBE_IMAGE is unset, with the configured pull policy and secrets, tolerating every taint", async () => {
    runtime = await openClusterRuntime({ name: 'lab', lab: scenarioWithWorkerPod(), burst: { count: 5, concurrency: 2 }, probe: { pullPolicy: 'Always', pullSecrets: ['regcred'] }, self: { namespace: 'dnswhy', name: 'dnswhy-worker-5c7d9-abcde' } });
    expect(runtime.probe.source).toBe("the worker's own pod dnswhy/dnswhy-worker-5c7d9-abcde");
    const pods = await probePodsOf(runtime);
    expect(pods.map((p) => p.metadata.labels['dnswhy.io/role']).sort()).toEqual(['node-view', 'node-view', 'twin']);
    for (const p of pods) {
      expect(p.spec.containers[0].image).toBe(mirror);
      expect(p.spec.containers[0].imagePullPolicy).toBe('Always');
      expect(p.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
      expect(p.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    }
  });

  it('run DNSWHY_PROBE_IMAGE when set, and the release image when the worker has no pod to read (with the reason)', async () => {
    runtime = await openClusterRuntime({ name: 'lab', lab: scenarioWithWorkerPod(), burst: { count: 5, concurrency: 2 }, probe: { image: 'registry.example.org/dnswhy:9.9.9' }, self: { namespace: 'dnswhy', name: 'dnswhy-worker-5c7d9-abcde' } });
    expect((await probePodsOf(runtime)).map((p) => p.spec.containers[0].image)).toEqual(expect.arrayContaining(['registry.example.org/dnswhy:9.9.9']));
    await runtime.close();
    runtime = await openClusterRuntime({ name: 'lab', lab: scenarioWithWorkerPod(), burst: { count: 5, concurrency: 2 }, self: { namespace: 'dnswhy', name: 'gone' } });
    expect(runtime.probe.probeImage).toEqual({ image: defaultProbeImage });
    expect(runtime.probe.source).toMatch(/could not read pod dnswhy\/gone: .*not found/);
  });
});
