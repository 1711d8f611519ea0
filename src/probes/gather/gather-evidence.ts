/**
 * gatherEvidence: everything dnswhy learns about one pod and one name. The pod argument is
 * resolved first; then the steps below all start together, each waiting only for the steps it
 * names as inputs (see each file under steps/). Every failure becomes a `probe-error` evidence
 * item; evidence ids are numbered e1..eN in the order of the two lists below.
 *
 * A new kind of evidence is one step file under steps/ and one line in one of the lists.
 */
import type { ClusterAccess } from '../../core/cluster-access.js';
import type { Evidence, PodFacts } from '../../core/model/index.js';
import { defaultCorednsLocation } from '../../core/model/coredns-location.js';
import { defaultTimeouts, type GatherOptions, type GatherTarget } from './gather-options.js';
import { defaultProbeImage } from './probe-pods.js';
import { resolvePodArgument } from './resolve-pod.js';
import { startSteps, type GatherContext, type StartedSteps } from './step-graph.js';
import { renumber, startTiming } from './run-step.js';
import { corefileStep } from './steps/corefile.js';
import { corednsLogsStep } from './steps/coredns-logs.js';
import { dnsSideStep } from './steps/dns-side.js';
import { metricsStep } from './steps/metrics.js';
import { namespacesStep } from './steps/namespaces.js';
import { networkPoliciesStep } from './steps/network-policies.js';
import { nodeLocalDnsStep } from './steps/node-local-dns.js';
import { nodeViewProbesStep } from './steps/node-view-probes.js';
import { nodeConntrackStep } from './steps/node-conntrack.js';
import { nodesStep } from './steps/nodes.js';
import { podFactsStep } from './steps/pod-facts.js';
import { podFilesStep } from './steps/pod-files.js';
import { podToolsStep } from './steps/pod-tools.js';
import { probePlanStep } from './steps/probe-plan.js';
import { servicesStep } from './steps/services.js';
import { twinProbeStep } from './steps/twin-probe.js';
import { workerFallbackStep } from './steps/worker-fallback.js';

export { PodNotFoundError } from './resolve-pod.js';
export type { GatherOptions, GatherTarget, GatherTimeouts } from './gather-options.js';

/**
 * The cheap evidence: API reads and exec in the pod. Handed to `onEarlyEvidence` as soon as it is
 * all in, so none of these may use a deep step (test/probes/gather/gather-graph.test.ts checks it).
 */
export const earlySteps = [
  podFactsStep,
  nodesStep,
  dnsSideStep,
  corednsLogsStep,
  corefileStep,
  servicesStep,
  namespacesStep,
  networkPoliciesStep,
  nodeLocalDnsStep,
  podFilesStep,
] as const;

/**
 * The deep evidence. The plan waits for the DNS side, the Corefile and the pod's resolv.conf; the
 * twin and node-view probe pods wait for the plan; the pod's own tools run after the twin's lookup,
 * with a short budget (steps/pod-tools.ts); the worker asks what the probe pods could not; metrics
 * come after all of them.
 */
export const deepSteps = [
  probePlanStep,
  twinProbeStep,
  nodeViewProbesStep,
  nodeConntrackStep,
  podToolsStep,
  workerFallbackStep,
  metricsStep,
] as const;

export interface GatherResult {
  pod: PodFacts;
  evidence: Evidence[];
  apiRequests: number;
  resolvedFrom?: string;
}

/**
 * Hands the evidence in so far to `listener`: the early evidence now, then again after each deep
 * step that finishes before the last one (the last one's is the final result).
 */
function reportPartialEvidence(steps: StartedSteps, pod: PodFacts, early: Evidence[], listener: NonNullable<GatherOptions['onPartialEvidence']>): void {
  const finished = new Map<(typeof deepSteps)[number], Evidence[]>();
  const tell = () => {
    const waitingFor = deepSteps.filter((s) => !finished.has(s)).map((s) => s.name);
    if (waitingFor.length === 0) return;
    try {
      listener({ pod, evidence: renumber([...early, ...deepSteps.flatMap((s) => finished.get(s) ?? [])]), waitingFor });
    } catch {
      // A failing listener (e.g. a Slack post) must not lose the diagnosis.
    }
  };
  tell();
  for (const step of deepSteps) {
    steps.result(step).then(
      (r) => {
        finished.set(step, r.evidence);
        tell();
      },
      () => undefined,
    );
  }
}

/**
 * Gather the evidence for one pod and one name. Throws PodNotFoundError (with the closest names)
 * when the pod argument matches nothing, InputError when it is malformed, and ClusterError when
 * the pod itself cannot be read; every later failure is reported as evidence instead.
 */
export async function gatherEvidence(access: ClusterAccess, target: GatherTarget, opts: GatherOptions): Promise<GatherResult> {
  const startRequests = access.apiRequests;
  const progress = (s: string) => opts.onProgress?.(s);
  progress(`resolving pod ${target.pod}`);
  const { pod, resolvedFrom } = await resolvePodArgument(access, target.pod, target.namespace);
  const from = resolvedFrom ? { resolvedFrom } : {};
  const ctx: GatherContext = {
    access,
    target,
    pod,
    container: target.container ?? pod.containers[0] ?? '',
    coredns: { ...defaultCorednsLocation, ...opts.coredns },
    timeouts: { ...defaultTimeouts, ...opts.timeouts },
    probeMode: opts.probeMode ?? 'twin-pod',
    probeImage: opts.probeImage ?? { image: defaultProbeImage },
    ...(opts.probeNamespace ? { probeNamespace: opts.probeNamespace } : {}),
    options: opts,
    progress,
    started: startTiming(),
  };

  progress('reading cluster objects');
  const steps = startSteps(ctx, [...earlySteps, ...deepSteps]);

  // The early evidence is a prefix of the final list, so its ids stay valid.
  const early = await steps.evidence(earlySteps);
  const podFacts = (await steps.result(podFactsStep)).value;
  if (opts.onEarlyEvidence) {
    try {
      opts.onEarlyEvidence({ pod: podFacts, evidence: renumber(early), ...from });
    } catch {
      // A failing listener (e.g. a Slack post) must not lose the diagnosis.
    }
  }
  if (opts.onPartialEvidence) reportPartialEvidence(steps, podFacts, early, opts.onPartialEvidence);
  const evidence = renumber([...early, ...(await steps.evidence(deepSteps))]);
  progress('evidence gathered');
  return { pod: podFacts, evidence, apiRequests: access.apiRequests - startRequests, ...from };
}
