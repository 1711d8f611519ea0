/**
 * Deep probes: short-lived probe pods that run `dnswhy probe --spec JSON`.
 * - twin: same node, namespace, dnsPolicy, dnsConfig and hostAliases as the target pod, so its
 *   /etc/resolv.conf and /etc/hosts are the target's; it probes from the target's position.
 * - node-view: `dnsPolicy: Default` pinned to a node, so its resolv.conf is the node's; it asks
 *   the node's resolvers and the Corefile's upstreams as that node sees them.
 * Every pod is deleted afterwards, on success, failure and timeout alike.
 * Opt-in: an ephemeral container in the target pod instead of the twin.
 */
import { randomBytes } from 'node:crypto';
import type { ClusterAccess, ClusterPod, ProbeImage, ProbePodSpec } from '../../core/cluster-access.js';
import { AdmissionRefusedError, ForbiddenError, type CompletionResult } from '../../core/cluster-access.js';
import type { Evidence, EvidenceOrigin } from '../../core/model/index.js';
import type { PodProbeSpecInput } from '../pod-probe/spec.js';
import { elapsed, probeError, startTiming, withTimeout, type Timing } from './run-step.js';

/** The spec the pod-side program reads (`dnswhy probe --spec JSON`): the input form of PodProbeSpec (src/probes/pod-probe/spec.ts). */
export type ProbeSpecJson = PodProbeSpecInput;

/** Labels every probe pod carries (for cleanup by selector and for RBAC scoping). */
export const probePodLabels = { 'app.kubernetes.io/name': 'dnswhy-probe', 'app.kubernetes.io/managed-by': 'dnswhy' };

/** The image of this release (the one deploy/ runs), for probes when neither configuration nor the worker's own pod names one. */
export const defaultProbeImage = 'ghcr.io/dnswhy/dnswhy:0.1.0';

/** A DNS-1123 name with a random suffix. */
export function probeName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex').slice(0, 7)}`;
}

/** argv of the pod-side program; the spec travels as one argument, never through a shell. */
export function probeCommand(spec: ProbeSpecJson): string[] {
  return ['dnswhy', 'probe', '--spec', JSON.stringify(spec)];
}

/** The evidence list a probe printed: the last JSON object with an `evidence` array in its log. */
export function parseProbeLog(log: string): Evidence[] {
  const candidates = [log.trim(), ...log.trim().split('\n').reverse()];
  for (const c of candidates) {
    if (!c.trim().startsWith('{')) continue;
    try {
      const v = JSON.parse(c) as { evidence?: unknown };
      if (Array.isArray(v.evidence)) {
        const bad = v.evidence.find((e) => typeof e !== 'object' || e === null || typeof (e as { kind?: unknown }).kind !== 'string');
        if (bad !== undefined) throw new Error('probe output has an evidence item without a kind');
        return v.evidence as Evidence[];
      }
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('probe output')) throw err;
    }
  }
  throw new Error(`probe output is not JSON with an "evidence" array (first bytes: ${JSON.stringify(log.slice(0, 120))})`);
}

/** Stamp probe evidence with where it really came from and the probe's timing where missing. */
function adopt(items: Evidence[], from: EvidenceOrigin, t: Timing): Evidence[] {
  return items.map((e) => ({ ...e, id: '', from, at: typeof e.at === 'string' ? e.at : t.at, ms: typeof e.ms === 'number' ? e.ms : elapsed(t) }) as Evidence);
}

/** How to run one probe pod. */
export interface ProbePodRun {
  /** "twin probe pod" / "node-view probe on dev-worker" */
  label: string;
  what: string;
  pod: ProbePodSpec;
  origin: (ip: string | undefined) => EvidenceOrigin;
  timeoutMs: number;
  /** Stop waiting once the kubelet has been pulling the image this long (see GatherTimeouts.pullMs). */
  pullBudgetMs?: number;
  pollMs?: number;
}

/** The kubelet's pull policy for an image: the one given, else Always for `:latest` or no tag, else IfNotPresent. */
export function effectivePullPolicy(image: string, policy: string | undefined): string {
  if (policy) return policy;
  if (image.includes('@')) return 'IfNotPresent';
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * How long a probe pod may wait on an image pull: under pull policy Always every start pulls (a
 * check against the registry, which ends within the pull budget); under IfNotPresent a pull at all
 * means the node lacks the image (a download), so the first look after the first poll (200 ms) decides.
 */
export function pullWaitMs(run: Pick<ProbePodRun, 'pod' | 'pullBudgetMs'>): number | undefined {
  if (run.pullBudgetMs === undefined) return undefined;
  return effectivePullPolicy(run.pod.image, run.pod.imagePullPolicy) === 'Always' ? run.pullBudgetMs : Math.min(run.pullBudgetMs, 200);
}

const imageReasons = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);

/**
 * Why a probe pod produced no output, in the kubelet's terms and with what to do, or undefined
 * when it ran to the end. Pending past the deadline, stuck (an image that cannot be pulled), or
 * rejected by the kubelet (an untolerated NoExecute taint) are all said as such, never as silence.
 */
export function whyNotRun(run: Pick<ProbePodRun, 'pod' | 'timeoutMs' | 'pullBudgetMs'>, done: CompletionResult): string | undefined {
  const { namespace, name, image, nodeName } = run.pod;
  const pod = `probe pod ${namespace}/${name}${nodeName ? ` on node ${nodeName}` : ''}`;
  const said = `${done.reason ?? done.phase}${done.message ? `: ${done.message}` : ''}`;
  if (done.stuck) {
    const hint = imageReasons.has(done.reason ?? '')
      ? ` The kubelet cannot get image ${image}: set DNSWHY_PROBE_IMAGE to an image the nodes can pull${run.pod.imagePullSecrets?.length ? '' : ', or DNSWHY_PROBE_PULL_SECRETS for a private registry'}.`
      : '';
    return `${pod} cannot start (${said}).${hint}`;
  }
  if (done.pullingImage) {
    return `${pod} was still Pending after ${pullWaitMs(run) ?? run.timeoutMs} ms (ContainerCreating: the kubelet is still pulling image ${image}, by its events; the report did not wait for the pull)`;
  }
  if (done.timedOut) {
    if (done.phase === 'Pending') {
      const why = done.reason === 'ContainerCreating' ? `ContainerCreating: the kubelet is still pulling image ${image} or creating the container` : said;
      return `${pod} was still Pending after ${run.timeoutMs} ms (${why})`;
    }
    return `${pod} did not finish within ${run.timeoutMs} ms (phase ${done.phase}${done.reason ? `, ${done.reason}` : ''})`;
  }
  // Failed without an exit code: no container ran; the kubelet rejected or evicted the pod.
  if (done.phase === 'Failed' && done.exitCode === undefined && done.reason) return `${pod} was rejected by the kubelet (${said}).`;
  return undefined;
}

/** A create refused by RBAC or by admission: nothing was created, so nothing needs deleting. */
export function isCreateRefusal(err: unknown): err is ForbiddenError | AdmissionRefusedError {
  return err instanceof ForbiddenError || err instanceof AdmissionRefusedError;
}

/**
 * Create → wait → read log → delete (always). Failures become probe-error evidence. `whenRefused`,
 * if given, answers instead when the create itself is refused (RBAC or admission): the twin then
 * runs in the probe namespace.
 */
export async function runProbePod(access: ClusterAccess, run: ProbePodRun, whenRefused?: (refusal: ForbiddenError | AdmissionRefusedError) => Promise<Evidence[]>): Promise<Evidence[]> {
  const t = startTiming();
  const { namespace, name } = run.pod;
  const errFrom: EvidenceOrigin = { kind: 'worker' };
  const out: Evidence[] = [];
  let mayExist = false;
  try {
    try {
      await withTimeout(`create pod ${namespace}/${name}`, run.timeoutMs, access.createPod(run.pod));
      mayExist = true;
    } catch (err) {
      // A create that timed out may still have happened; anything but a refusal gets a delete.
      mayExist = !isCreateRefusal(err);
      if (whenRefused && isCreateRefusal(err)) return await whenRefused(err);
      throw err;
    }
    const left = Math.max(500, run.timeoutMs - elapsed(t));
    const done = await access.waitForCompletion(namespace, name, { timeoutMs: left, pollMs: run.pollMs ?? 200, ...(run.pullBudgetMs !== undefined ? { pullBudgetMs: pullWaitMs(run)! } : {}) });
    const notRun = whyNotRun(run, done);
    if (notRun) throw new Error(notRun);
    const log = await access.podLogs(namespace, name);
    let items: Evidence[];
    try {
      items = parseProbeLog(log);
    } catch (err) {
      const why = done.phase === 'Failed' ? `probe pod failed (exit ${done.exitCode ?? '?'}${done.reason ? `, ${done.reason}` : ''}); ` : '';
      throw new Error(`${why}${(err as Error).message}`);
    }
    out.push(...adopt(items, run.origin(done.podIp), t));
  } catch (err) {
    out.push(probeError(run.label, run.what, err, t, errFrom));
  } finally {
    if (mayExist) {
      try {
        await access.deletePod(namespace, name, { gracePeriodSeconds: 0 });
      } catch (err) {
        const e = probeError(`delete pod ${namespace}/${name}`, `cleanup of probe pod ${namespace}/${name} (delete it by hand; activeDeadlineSeconds stops it)`, err, t, errFrom);
        out.push(e);
      }
    }
  }
  return out;
}

/** Ephemeral container in the target pod (opt-in): add → wait for it to terminate → read its log. */
export async function runEphemeralProbe(
  access: ClusterAccess,
  target: ClusterPod,
  probeImage: ProbeImage,
  spec: ProbeSpecJson,
  timeoutMs: number,
  pollMs = 200,
): Promise<Evidence[]> {
  const t = startTiming();
  const name = probeName('dnswhy-probe');
  try {
    await withTimeout('add ephemeral container', timeoutMs, access.addEphemeralContainer(target.namespace, target.name, { name, image: probeImage.image, ...(probeImage.pullPolicy ? { imagePullPolicy: probeImage.pullPolicy } : {}), command: probeCommand(spec) }));
    const done = await access.waitForCompletion(target.namespace, target.name, { timeoutMs: Math.max(500, timeoutMs - elapsed(t)), pollMs, ephemeralContainer: name });
    if (done.timedOut) throw new Error(`ephemeral container ${name} did not finish within ${timeoutMs} ms`);
    const items = parseProbeLog(await access.podLogs(target.namespace, target.name, name));
    const from: EvidenceOrigin = { kind: 'pod', namespace: target.namespace, name: target.name, ...(target.ip ? { ip: target.ip } : {}), ...(target.node ? { node: target.node } : {}) };
    return adopt(items, from, t);
  } catch (err) {
    return [probeError('ephemeral probe container', `deep probes from inside ${target.namespace}/${target.name} (stub resolver, every CoreDNS endpoint, TCP, burst)`, err, t)];
  }
}
