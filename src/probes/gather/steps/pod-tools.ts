/**
 * The image's own resolver tools (getent, else nslookup) through exec: `tool-output` evidence, as
 * the application would see the name.
 *
 * When a probe pod looks the name up from the pod's position, the tools run after it: the first of
 * the two to ask warms CoreDNS's cache for the other, and the probe's lookup is the one the checks
 * time (a search candidate that leaves the cluster is slow only the first time). They then get a
 * short budget: with the cache warm a lookup that is not lost answers in milliseconds, so a tool
 * still running after it is reported as still waiting, which is itself evidence (libc waits 5 s per
 * lost try), instead of holding the report for libc's retries. Without a lookup from the pod's
 * position the tools are the only view from there: they run at once with their full deadline.
 */
import { runPodTools } from '../pod-exec.js';
import { defineStep } from '../step-graph.js';
import { twinProbeStep } from './twin-probe.js';

/**
 * How long the tools may take once the probe pod has looked the name up: the exec round trip
 * (tens of ms in a cluster, a few hundred through a busy API server) plus a lookup answered from
 * CoreDNS's cache; 1 s covers both and is far below the 5 s a lost try costs.
 */
export const toolBudgetAfterProbeMs = 1000;

export const podToolsStep = defineStep({
  name: 'pod tools',
  inputs: { twin: twinProbeStep },
  async run(ctx, inputs) {
    const probed = ctx.probeMode !== 'none' && (await inputs.twin.then((t) => t.evidence.some((e) => e.kind === 'lookup'), () => false));
    let timer: NodeJS.Timeout | undefined;
    const stopWaiting = probed ? new Promise<void>((r) => (timer = setTimeout(r, toolBudgetAfterProbeMs))) : undefined;
    try {
      const evidence = await runPodTools(ctx.access, ctx.pod, ctx.container, ctx.target.name, ctx.timeouts.toolMs, stopWaiting);
      ctx.progress('pod tools finished');
      return { value: undefined, evidence };
    } finally {
      clearTimeout(timer);
    }
  },
});
