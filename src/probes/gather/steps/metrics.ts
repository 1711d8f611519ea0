/**
 * CoreDNS metrics of every running replica through pods/proxy: `metrics` evidence. Read after all
 * deep probes, so the counters include what CoreDNS did with the probes' own queries.
 */
import type { ClusterAccess, ClusterPod } from '../../../core/cluster-access.js';
import type { CorednsLocation } from '../../../core/model/coredns-location.js';
import type { Evidence, MetricsEvidence } from '../../../core/model/index.js';
import { parseCorednsMetrics } from '../../../core/metrics/prometheus-metrics.js';
import { podOrigin } from '../pod-exec.js';
import { defineStep } from '../step-graph.js';
import { elapsed, probeError, startTiming, withTimeout } from '../run-step.js';
import { dnsSideStep } from './dns-side.js';
import { nodeViewProbesStep } from './node-view-probes.js';
import { twinProbeStep } from './twin-probe.js';
import { workerFallbackStep } from './worker-fallback.js';

export const metricsStep = defineStep({
  name: 'metrics',
  inputs: { dnsSide: dnsSideStep, twin: twinProbeStep, nodeView: nodeViewProbesStep, workerFallback: workerFallbackStep },
  async run(ctx, inputs) {
    const [{ value: dns }] = await Promise.all([inputs.dnsSide, inputs.twin, inputs.nodeView, inputs.workerFallback]);
    const running = (dns?.corednsPods ?? []).filter((p) => p.phase === 'Running');
    ctx.progress('reading CoreDNS metrics');
    return { value: undefined, evidence: await Promise.all(running.map((p) => readMetrics(ctx.access, p, ctx.coredns, ctx.timeouts.metricsMs))) };
  },
});

/** One replica's metrics, or a probe-error saying why they could not be read. */
async function readMetrics(access: ClusterAccess, p: ClusterPod, loc: CorednsLocation, timeoutMs: number): Promise<Evidence> {
  const t = startTiming();
  const from = podOrigin(p);
  try {
    const text = await withTimeout(`metrics ${p.name}`, timeoutMs, access.podProxyGet(p.namespace, p.name, loc.metricsPort, 'metrics'));
    const ev: MetricsEvidence = { id: '', kind: 'metrics', from, at: t.at, ms: elapsed(t), pod: p.name, ...(p.node ? { node: p.node } : {}), metrics: parseCorednsMetrics(text) };
    return ev;
  } catch (err) {
    return probeError(`metrics ${p.name}`, `CoreDNS metrics of ${p.name} (requests, rcodes, forward health, loaded config hash)`, err, t, { kind: 'api' });
  }
}
