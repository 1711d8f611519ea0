/**
 * What the probe pods could not ask, the worker asks itself (marked from: worker): the DNS Service
 * and every CoreDNS endpoint when the twin probe sent no query, the Corefile's upstreams when no
 * node-view probe reached one. Runs after both probe kinds have finished.
 */
import { workerQueries, type WorkerTarget } from '../worker-view.js';
import { defineStep } from '../step-graph.js';
import { nodeViewProbesStep } from './node-view-probes.js';
import { probePlanStep } from './probe-plan.js';
import { twinProbeStep } from './twin-probe.js';

export const workerFallbackStep = defineStep({
  name: 'worker fallback',
  inputs: { plan: probePlanStep, twin: twinProbeStep, nodeView: nodeViewProbesStep },
  async run(ctx, inputs) {
    const plan = (await inputs.plan).value;
    // A worker with no route into the pod network (the netns lab's process) would only see timeouts.
    if (!plan || ctx.options.workerQueries === false) return { value: undefined, evidence: [] };
    const [twin, nodeView] = await Promise.all([inputs.twin, inputs.nodeView]);
    ctx.progress('probe pods finished');
    const fallback: WorkerTarget[] = [];
    if (!twin.evidence.some((e) => e.kind === 'dns-query')) {
      fallback.push({ ip: plan.dnsServiceIp, port: 53, role: 'dns-service' }, ...plan.endpoints.map((e) => ({ ip: e.ip, port: 53, role: 'coredns-endpoint' as const, ...(e.pod ? { label: e.pod } : {}) })));
    }
    if (!nodeView.evidence.some((e) => e.kind === 'dns-query' && e.resolver.role === 'upstream')) {
      fallback.push(...plan.upstreams.map((u) => ({ ip: u.ip, port: u.port, role: 'upstream' as const })));
    }
    return { value: undefined, evidence: fallback.length ? await workerQueries(ctx.options.network, ctx.target.name, fallback) : [] };
  },
});
