/**
 * The deep probes from the pod's own position: a twin probe pod (same node, namespace, dnsPolicy,
 * dnsConfig and hostAliases, so the same resolv.conf and hosts; with a probe namespace and no right to
 * create pods in the target's, the same node, hosts and a copied resolv.conf there) or, when asked, an ephemeral
 * container in the pod itself. It runs the name through the stub resolver, asks the DNS Service
 * and every CoreDNS endpoint over UDP and TCP, connects to the answers and runs a bounded burst.
 */
import { ForbiddenError, probePodImage, type ProbePodSpec } from '../../../core/cluster-access.js';
import type { Evidence, EvidenceOrigin } from '../../../core/model/index.js';
import { resolvConfAsDnsConfig } from '../../../core/resolver/resolv-conf.js';
import { fitBurst } from '../burst-budget.js';
import { probeCommand, probeName, probePodLabels, runEphemeralProbe, runProbePod, type ProbePodRun, type ProbeSpecJson } from '../probe-pods.js';
import { probeError, startTiming } from '../run-step.js';
import { namespaceScopedIngress } from '../namespace-scoped-ingress.js';
import { networkPoliciesStep } from './network-policies.js';
import { defineStep, type GatherContext } from '../step-graph.js';
import { podFilesStep } from './pod-files.js';
import { probePlanStep, type ProbePlan } from './probe-plan.js';

/** glibc unless the image name says Alpine/musl (the twin probe emulates the target's libc). */
function guessLibc(images: string[] | undefined): 'glibc' | 'musl' {
  return (images ?? []).some((i) => /alpine|musl|busybox:.*musl/i.test(i)) ? 'musl' : 'glibc';
}

export const twinProbeStep = defineStep({
  name: 'twin probe',
  inputs: { plan: probePlanStep, podFiles: podFilesStep, policies: networkPoliciesStep },
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
    const policies = (await inputs.policies).evidence;
    return { value: undefined, evidence: await runTwinPod(ctx, spec, plan, (await inputs.podFiles).value.resolvConf, policies) };
  },
});

/** Where a twin runs and how its resolv.conf is made: in the target's namespace with its DNS settings, or displaced with a copy. */
interface TwinPlacement {
  namespace: string;
  dnsPolicy: ProbePodSpec['dnsPolicy'];
  dnsConfig?: ProbePodSpec['dnsConfig'];
  displacedBecause?: string;
}

async function runTwinPod(ctx: GatherContext, spec: ProbeSpecJson, plan: ProbePlan, resolvConf: string | undefined, policies: Evidence[]): Promise<Evidence[]> {
  const { pod } = ctx;
  const home: TwinPlacement = { namespace: pod.namespace, dnsPolicy: pod.dnsPolicy, ...(pod.dnsConfig ? { dnsConfig: pod.dnsConfig } : {}) };
  const probeNs = ctx.probeNamespace;
  if (!probeNs || probeNs === pod.namespace) return runProbePod(ctx.access, twinRun(ctx, spec, plan, home));
  // The target's namespace first: there the twin meets that namespace's NetworkPolicies, quotas and
  // Pod Security level too. Refused there (RBAC or admission), it runs in the probe namespace.
  return runProbePod(ctx.access, twinRun(ctx, spec, plan, home), async (refusal) => {
    const t = startTiming();
    const because = refusal instanceof ForbiddenError ? `the worker may not ${refusal.permission}` : `admission refused it in ${pod.namespace}: ${refusal.message}`;
    // CoreDNS's ingress policies that admit clients by namespace would judge a twin elsewhere as a pod of
    // the probe namespace: its DNS packets could time out where the pod's are admitted (or the reverse),
    // and a check would then blame the network. No twin is better than a wrong cause.
    const scoped = policies.flatMap((e) => (e.kind === 'network-policies' && e.namespace === ctx.coredns.namespace ? namespaceScopedIngress(e.policies) : []));
    if (scoped.length > 0) {
      const why = new Error(`${because}, and NetworkPolicies ${scoped.join(', ')} in ${ctx.coredns.namespace} admit DNS clients by namespace, so a twin in ${probeNs} would not be let in or kept out as ${pod.namespace}/${pod.name} is`);
      return [probeError('twin probe pod', whatTwin(pod), why, t)];
    }
    const placement = displacedPlacement(pod, probeNs, resolvConf, because);
    if (!placement) {
      const lacks = pod.hostNetwork
        ? `a twin of a hostNetwork pod is not run outside its namespace (it would need hostNetwork in ${probeNs})`
        : `${pod.namespace}/${pod.name}'s /etc/resolv.conf could not be read to give a twin in ${probeNs} the same one`;
      const why = new Error(`${because}, and ${lacks}`);
      return [probeError('twin probe pod', whatTwin(pod), why, t)];
    }
    return runProbePod(ctx.access, twinRun(ctx, spec, plan, placement));
  });
}

/**
 * A twin outside the target's namespace needs the target's resolv.conf written for it: the kubelet
 * derives a ClusterFirst search list from the pod's own namespace, so it is copied through
 * `dnsPolicy: None`. A target already on `None` brings its dnsConfig; otherwise the file read by exec is
 * the source, and without it there is no faithful twin.
 */
function displacedPlacement(pod: GatherContext['pod'], namespace: string, resolvConf: string | undefined, because: string): TwinPlacement | undefined {
  if (pod.hostNetwork) return undefined;
  const dnsConfig = pod.dnsPolicy === 'None' ? pod.dnsConfig : resolvConf !== undefined ? resolvConfAsDnsConfig(resolvConf) : undefined;
  if (!dnsConfig) return undefined;
  return { namespace, dnsPolicy: 'None', dnsConfig, displacedBecause: because };
}

const whatTwin = (pod: GatherContext['pod']) =>
  `deep probes from ${pod.namespace}/${pod.name}'s position (its resolv.conf through the stub resolver, the DNS Service, every CoreDNS endpoint over UDP and TCP, TCP to the answers, burst)`;

function twinRun(ctx: GatherContext, spec: ProbeSpecJson, plan: ProbePlan, at: TwinPlacement): ProbePodRun {
  const { pod } = ctx;
  const name = probeName('dnswhy-twin');
  const twinOf = `${pod.namespace}/${pod.name}`;
  const podSpec: ProbePodSpec = {
    namespace: at.namespace,
    name,
    labels: { ...probePodLabels, 'dnswhy.io/role': 'twin' },
    ...probePodImage(ctx.probeImage),
    command: probeCommand({ ...spec, origin: { namespace: at.namespace, name, ...(pod.node ? { node: pod.node } : {}), twinOf } }),
    ...(pod.node ? { nodeName: pod.node } : {}),
    dnsPolicy: at.dnsPolicy,
    ...(at.dnsConfig ? { dnsConfig: at.dnsConfig } : {}),
    hostAliases: pod.hostAliases,
    ...(pod.hostNetwork ? { hostNetwork: true } : {}),
    activeDeadlineSeconds: Math.ceil(plan.deadlineMs / 1000) + 30,
  };
  const origin = (ip: string | undefined): EvidenceOrigin => ({
    kind: 'probe-pod',
    namespace: at.namespace,
    name,
    ...(ip ? { ip } : {}),
    ...(pod.node ? { node: pod.node } : {}),
    twinOf,
    ...(at.displacedBecause ? { displacedBecause: at.displacedBecause } : {}),
  });
  return {
    label: 'twin probe pod',
    what: whatTwin(pod),
    pod: podSpec,
    origin,
    timeoutMs: plan.deadlineMs,
    pullBudgetMs: ctx.timeouts.pullMs,
    ...(ctx.options.pollMs ? { pollMs: ctx.options.pollMs } : {}),
  };
}
