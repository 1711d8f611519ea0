/**
 * The deep probes from the pod's own position: a twin probe pod (same node, namespace, dnsPolicy,
 * dnsConfig and hostAliases, so the same resolv.conf and hosts) or, when asked, an ephemeral
 * container in the pod itself. It runs the name through the stub resolver, asks the DNS Service
 * and every CoreDNS endpoint over UDP and TCP, connects to the answers and runs a bounded burst.
 */
import { probePodImage, type ProbePodSpec } from '../../../core/cluster-access.js';
import type { EvidenceOrigin } from '../../../core/model/index.js';
import { fitBurst } from '../burst-budget.js';
import { probeCommand, probeName, probePodLabels, runEphemeralProbe, runProbePod, type ProbeSpecJson } from '../probe-pods.js';
import { defineStep, type GatherContext } from '../step-graph.js';
import { podFilesStep } from './pod-files.js';
import { probePlanStep, type ProbePlan } from './probe-plan.js';

/** glibc unless the image name says Alpine/musl (the twin probe emulates the target's libc). */
function guessLibc(images: string[] | undefined): 'glibc' | 'musl' {
  return (images ?? []).some((i) => /alpine|musl|busybox:.*musl/i.test(i)) ? 'musl' : 'glibc';
}

export const twinProbeStep = defineStep({
  name: 'twin probe',
  inputs: { plan: probePlanStep, podFiles: podFilesStep },
  async run(ctx, inputs) {
    const plan = (await inputs.plan).value;
    if (!plan) return { value: undefined, evidence: [] };
    const { target, pod, options } = ctx;
    const spec: ProbeSpecJson = {
      mode: 'twin',
      name: target.name,
      ...(target.port ? { port: target.port } : {}),
      dnsServiceIp: plan.dnsServiceIp,
      endpoints: plan.endpoints,
      reachName: plan.reachName,
      tcpPorts: plan.tcpPorts,
      burst: fitBurst(options.burst ?? { count: 200, concurrency: 20 }, (await inputs.podFiles).value.resolvConf, plan.deadlineMs),
      libc: options.libc ?? guessLibc(pod.images),
    };
    if (ctx.probeMode === 'ephemeral') {
      const origin = { namespace: pod.namespace, name: pod.name, ...(pod.node ? { node: pod.node } : {}) };
      return { value: undefined, evidence: await runEphemeralProbe(ctx.access, pod, ctx.probeImage, { ...spec, origin }, plan.deadlineMs, options.pollMs) };
    }
    return { value: undefined, evidence: await runTwinPod(ctx, spec, plan) };
  },
});

async function runTwinPod(ctx: GatherContext, spec: ProbeSpecJson, plan: ProbePlan) {
  const { pod } = ctx;
  const name = probeName('dnswhy-twin');
  const twinOf = `${pod.namespace}/${pod.name}`;
  const podSpec: ProbePodSpec = {
    namespace: pod.namespace,
    name,
    labels: { ...probePodLabels, 'dnswhy.io/role': 'twin' },
    ...probePodImage(ctx.probeImage),
    command: probeCommand({ ...spec, origin: { namespace: pod.namespace, name, ...(pod.node ? { node: pod.node } : {}), twinOf } }),
    ...(pod.node ? { nodeName: pod.node } : {}),
    dnsPolicy: pod.dnsPolicy,
    ...(pod.dnsConfig ? { dnsConfig: pod.dnsConfig } : {}),
    hostAliases: pod.hostAliases,
    ...(pod.hostNetwork ? { hostNetwork: true } : {}),
    activeDeadlineSeconds: Math.ceil(plan.deadlineMs / 1000) + 30,
  };
  const origin = (ip: string | undefined): EvidenceOrigin => ({
    kind: 'probe-pod',
    namespace: pod.namespace,
    name,
    ...(ip ? { ip } : {}),
    ...(pod.node ? { node: pod.node } : {}),
    twinOf,
  });
  return runProbePod(ctx.access, {
    label: 'twin probe pod',
    what: `deep probes from ${twinOf}'s position (its resolv.conf through the stub resolver, the DNS Service, every CoreDNS endpoint over UDP and TCP, TCP to the answers, burst)`,
    pod: podSpec,
    origin,
    timeoutMs: plan.deadlineMs,
    pullBudgetMs: ctx.timeouts.pullMs,
    ...(ctx.options.pollMs ? { pollMs: ctx.options.pollMs } : {}),
  });
}
