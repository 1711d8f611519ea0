/**
 * What a flood of questions is measured by (test/e2e/slack-flood.test.ts, bench/flood.bench.ts):
 * how many diagnoses run at once, and how many probe pods are alive at once in the lab.
 */
import type { OpenedRuntime } from '../../../jobs/open-cluster-runtime.js';
import { probePodLabels } from '../../../src/probes/gather/probe-pods.js';

/** The lab runtime, counting diagnoses running at once. */
export function countingDiagnoses(runtime: OpenedRuntime) {
  const c = { running: 0, max: 0, done: 0 };
  const wrapped: OpenedRuntime = {
    ...runtime,
    async diagnose(target, onProgress) {
      c.running += 1;
      c.max = Math.max(c.max, c.running);
      try {
        return await runtime.diagnose(target, onProgress);
      } finally {
        c.running -= 1;
        c.done += 1;
      }
    },
  };
  return { runtime: wrapped, counts: c };
}

/** Probe pods alive in the lab, watched on every change of its object store. */
export function watchProbePods(lab: NonNullable<OpenedRuntime['lab']>) {
  const alive = new Set<string>();
  const w = { max: 0 };
  lab.state.store.onChange((ch) => {
    if (ch.resource !== 'pods') return;
    const labels = (ch.object.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
    if (labels['app.kubernetes.io/name'] !== probePodLabels['app.kubernetes.io/name']) return;
    const key = `${String((ch.object.metadata as { namespace?: string }).namespace)}/${String((ch.object.metadata as { name?: string }).name)}`;
    if (ch.type === 'DELETED') alive.delete(key);
    else alive.add(key);
    w.max = Math.max(w.max, alive.size);
  });
  return { stats: w, reset: () => (w.max = alive.size) };
}
