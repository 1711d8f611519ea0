/**
 * The logs of CoreDNS pods that are not well (not ready, waiting, or restarted): the last lines of the
 * current instance and, after a restart, of the previous one, which is where CoreDNS says why it exited
 * (a Corefile it refused, a forwarding loop). Bounded: a few pods, the last lines, a byte limit.
 * `pod-logs` evidence, or a probe-error naming the missing permission (get pods/log).
 */
import type { ClusterAccess, ClusterPod } from '../../../core/cluster-access.js';
import type { Evidence, PodLogsEvidence } from '../../../core/model/index.js';
import { defineStep } from '../step-graph.js';
import { elapsed, probeError, startTiming, withTimeout } from '../run-step.js';
import { dnsSideStep } from './dns-side.js';

/** At most this many pods' logs are read, and this much of each. */
export const logLimits = { pods: 3, tailLines: 40, limitBytes: 16384 };

/** Pods worth reading: not ready, waiting, or restarted, the least healthy first. */
export function unwellPods(pods: readonly ClusterPod[]): ClusterPod[] {
  const score = (p: ClusterPod) => (p.waitingReason ? 4 : 0) + (!p.ready ? 2 : 0) + (p.restarts > 0 ? 1 : 0);
  return pods.filter((p) => score(p) > 0).sort((a, b) => score(b) - score(a) || a.name.localeCompare(b.name)).slice(0, logLimits.pods);
}

export const corednsLogsStep = defineStep({
  name: 'coredns logs',
  inputs: { dnsSide: dnsSideStep },
  async run(ctx, { dnsSide }) {
    const pods = unwellPods((await dnsSide).value?.corednsPods ?? []);
    const reads = pods.flatMap((p) => [readLog(ctx.access, p, false, ctx.timeouts.readMs), ...(p.restarts > 0 ? [readLog(ctx.access, p, true, ctx.timeouts.readMs)] : [])]);
    return { value: undefined, evidence: (await Promise.all(reads)).filter((e): e is Evidence => e !== undefined) };
  },
});

async function readLog(access: ClusterAccess, p: ClusterPod, previous: boolean, timeoutMs: number): Promise<Evidence | undefined> {
  const t = startTiming();
  const container = p.containers[0];
  const what = `the ${previous ? 'previous ' : ''}log of CoreDNS pod ${p.namespace}/${p.name} (why it is not running)`;
  try {
    const text = await withTimeout(`logs ${p.name}`, timeoutMs, access.podLogs(p.namespace, p.name, container, { previous, tailLines: logLimits.tailLines, limitBytes: logLimits.limitBytes }));
    const ev: PodLogsEvidence = { id: '', kind: 'pod-logs', from: { kind: 'api' }, at: t.at, ms: elapsed(t), namespace: p.namespace, pod: p.name, container: container ?? '', previous, text: text.slice(-logLimits.limitBytes) };
    return ev;
  } catch (err) {
    // A pod that never restarted has no previous log: that is not a failure worth reporting.
    if (previous && /previous terminated container/.test((err as Error).message)) return undefined;
    return probeError(`logs ${p.name}${previous ? ' --previous' : ''}`, what, err, t, { kind: 'api' });
  }
}
