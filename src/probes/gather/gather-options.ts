/**
 * What a caller of gatherEvidence chooses: the pod and name to diagnose, how deep to probe, and
 * the deadline of each kind of step.
 */
import type { ProbeImage } from '../../core/cluster-access.js';
import type { CorednsLocation } from '../../core/model/coredns-location.js';
import type { DiagnosisTarget, Evidence, PodFacts } from '../../core/model/index.js';
import type { NetworkPosition } from '../../core/network-position.js';

/** What to diagnose (the port, when given, is the one the application connects to; default: 80 and 443 are tried), and where to exec. */
export interface GatherTarget extends DiagnosisTarget {
  /** Container to exec in (default: the pod's first container). */
  container?: string;
}

/** Deadlines per kind of step, in ms. */
export interface GatherTimeouts {
  readMs: number;
  execMs: number;
  toolMs: number;
  deepMs: number;
  metricsMs: number;
  /** How long a probe pod may wait for the kubelet to pull its image before the report goes on without it. */
  pullMs: number;
}

// toolMs: the image's getent waits as libc does (5 s per lost try), so it gets longer than an API read; it runs beside the deep probes.
// pullMs: a pull that only asks the registry about an image the node already has (pull policy Always)
// ends within a second; one still under way after that is downloading the image, which takes longer
// than the whole report may (1.5 s), so the report says so instead of waiting for it. Under
// IfNotPresent a pull at all is a download: the first poll (200 ms) decides (pullWaitMs).
export const defaultTimeouts: GatherTimeouts = { readMs: 5000, execMs: 5000, toolMs: 12000, deepMs: 15000, metricsMs: 4000, pullMs: 1000 };

export interface GatherOptions {
  /** How this process reaches cluster addresses (identity in a real cluster, the lab's map in the lab). */
  network: NetworkPosition;
  /** Deep probes from a twin pod (default), an ephemeral container in the pod, or none. */
  probeMode?: 'twin-pod' | 'ephemeral' | 'none';
  /** Node-view probe pods on the target's node and the CoreDNS nodes (default true unless probeMode 'none'). */
  nodeView?: boolean;
  /** The worker may ask what the probe pods could not (default true; false where it has no route into the cluster). */
  workerQueries?: boolean;
  /** hostNetwork probe pods that read the conntrack statistics of those nodes (default false). */
  nodeConntrack?: boolean;
  burst?: { count: number; concurrency: number };
  onProgress?: (step: string) => void;
  /** Probe image, pull policy and pull secrets (default: defaultProbeImage, the kubelet's pull policy, no secrets). */
  probeImage?: ProbeImage;
  /**
   * Where probe pods run (DNSWHY_PROBE_NAMESPACE). Node-view pods always run there; the twin runs in
   * the target's namespace when the worker may create pods there, and here otherwise (with the
   * target's resolv.conf copied). Unset: every probe pod runs in the target's namespace.
   */
  probeNamespace?: string;
  /** Where CoreDNS lives, when not kube-system/kube-dns/coredns. */
  coredns?: Partial<CorednsLocation>;
  /** libc of the target image, when known (default: guessed from the image name). */
  libc?: 'glibc' | 'musl';
  timeouts?: Partial<GatherTimeouts>;
  /** Poll interval while waiting for probe pods (default 200 ms). */
  pollMs?: number;
  /**
   * Called once the cheap evidence (API reads, exec in the pod) is in, before the deep probes end,
   * so a report can show early findings and refine them later. Its ids stay valid in the final result.
   */
  onEarlyEvidence?: (early: { pod: PodFacts; evidence: Evidence[]; resolvedFrom?: string }) => void;
  /**
   * Called with the evidence in so far each time more of it is in: once with the early evidence,
   * then after each deep step that finishes while others still run, so a caller can judge as soon
   * as the decisive evidence is in (a twin probe's answers, long before a pod tool's 5 s timeout).
   * The list holds the finished steps' evidence in report order, numbered e1..eN among themselves
   * (the final ids may differ); `waitingFor` names the steps still running.
   */
  onPartialEvidence?: (partial: { pod: PodFacts; evidence: Evidence[]; waitingFor: string[] }) => void;
}
