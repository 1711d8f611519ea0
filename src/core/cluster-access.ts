/**
 * ClusterAccess: everything dnswhy reads from or writes to a Kubernetes API server, as plain data.
 * Pure interface: implemented with client-node in src/probes/kube/, and used the
 * same way against a real cluster and the embedded lab. Errors are the typed classes below, so
 * callers can say "forbidden: create pods/exec" instead of dumping an HTTP body.
 */
import type { NodeFacts, OwnerRef, PodDnsConfig, PodFacts, ServiceEndpoints, ServiceFacts, HostAlias, DnsPolicy, WorkloadKind } from './model/index.js';
import { DnswhyError } from './errors.js';

/** A pod as read from the API: the facts checks use, plus status details gathering needs. */
export interface ClusterPod extends PodFacts {
  /** The direct controller (a ReplicaSet for Deployment pods); `owner` is left unresolved by list calls. */
  directOwner?: OwnerRef;
  restarts: number;
  /** First container's waiting reason (CrashLoopBackOff, ImagePullBackOff), if any. */
  waitingReason?: string;
  /** The message that goes with the waiting reason ("back-off 5m0s restarting failed container=..."). */
  waitingMessage?: string;
  /** How the previous instance of the first restarted container ended (lastState.terminated). */
  lastTermination?: Termination;
  createdAt?: string;
  resourceVersion?: string;
  /** Ephemeral container states by name (for opt-in ephemeral probes). */
  ephemeral?: Record<string, ContainerState>;
  /** Main container states by name. */
  containerStates?: Record<string, ContainerState>;
  /** The pod's own status reason and message (a kubelet's rejection: TaintToleration, Evicted, OutOfcpu). */
  statusReason?: string;
  statusMessage?: string;
  /** Why the pod is not scheduled yet (PodScheduled False: its reason and message). */
  unschedulable?: string;
  /** Container images, in container order (a hint at the image's libc). */
  images?: string[];
}

/** Where one pod runs (scanPodNodes). */
export interface PodPlacement {
  namespace: string;
  name: string;
  /** The node the pod is scheduled to, if any. */
  node?: string;
}

/** How a container instance ended (OOMKilled with 137, Error with 1, Completed with 0). */
export interface Termination {
  reason?: string;
  exitCode?: number;
  message?: string;
  finishedAt?: string;
}

/** Which log to read: the previous instance, the last lines, a byte bound (reads are never unbounded). */
export interface LogOptions {
  previous?: boolean;
  tailLines?: number;
  limitBytes?: number;
}

/** Where a container is in its life. */
export interface ContainerState {
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  exitCode?: number;
  reason?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

export interface ConfigMapData {
  namespace: string;
  name: string;
  resourceVersion: string;
  data: Record<string, string>;
}

export interface DaemonSetInfo {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  desired: number;
  ready: number;
  /** Container args of the first container (NodeLocal DNSCache passes `-localip` there). */
  args: string[];
}

/** A workload and its pod template, as plain JSON. */
export interface WorkloadInfo {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  resourceVersion: string;
  /** metadata.generation: moves with spec changes only (undefined when the server does not set it). */
  generation?: number;
  /** spec.template (metadata + spec) as plain JSON. */
  template: Record<string, unknown>;
  /** spec.selector.matchLabels */
  selector: Record<string, string>;
  replicas?: number;
  readyReplicas?: number;
}

/** What `exec` returns: a non-zero exit code is a result, not an error. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A short-lived probe pod dnswhy creates (never a generic manifest: only what probes need). */
export interface ProbePodSpec {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  image: string;
  /** argv, never a shell string. */
  command: string[];
  nodeName?: string;
  dnsPolicy: DnsPolicy;
  dnsConfig?: PodDnsConfig;
  hostAliases?: HostAlias[];
  hostNetwork?: boolean;
  /** Seconds after which the kubelet kills the pod whatever happens (a safety net if deletion fails). */
  activeDeadlineSeconds?: number;
  /** Always | IfNotPresent | Never (the kubelet's default when unset). */
  imagePullPolicy?: ImagePullPolicy;
  /** Secrets in the pod's namespace the kubelet may use to pull the image. */
  imagePullSecrets?: string[];
}

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** The pull policies, for validation (config, scenario). */
export const imagePullPolicies = ['Always', 'IfNotPresent', 'Never'] as const satisfies readonly ImagePullPolicy[];

/** The image probe pods and ephemeral probe containers run, and how the kubelet may pull it. */
export interface ProbeImage {
  image: string;
  /** Unset: the kubelet's default (IfNotPresent for a tagged image, Always for :latest). */
  pullPolicy?: ImagePullPolicy;
  /** Secrets in the probe pod's namespace the kubelet may pull with (ephemeral containers use the target pod's). */
  pullSecrets?: string[];
}

/** The pull fields of a probe pod for a ProbeImage. */
export function probePodImage(p: ProbeImage): Pick<ProbePodSpec, 'image' | 'imagePullPolicy' | 'imagePullSecrets'> {
  return { image: p.image, ...(p.pullPolicy ? { imagePullPolicy: p.pullPolicy } : {}), ...(p.pullSecrets?.length ? { imagePullSecrets: [...p.pullSecrets] } : {}) };
}

/** An ephemeral container to add to a running pod (opt-in probe mode). */
export interface EphemeralContainerSpec {
  name: string;
  image: string;
  command: string[];
  /** Share the process namespace of this container (optional). */
  targetContainerName?: string;
  imagePullPolicy?: ImagePullPolicy;
}

export interface WriteOptions {
  /** Precondition: the write fails with ConflictError if the object's resourceVersion differs. */
  resourceVersion: string;
  /** Server-side dry run: validated and admitted, never persisted. */
  dryRun?: boolean;
}

/** Options of a workload patch: strategic merge (default) or JSON merge patch (lists replaced whole: exact rollbacks). */
export interface WorkloadWriteOptions extends WriteOptions {
  patchType?: 'strategic' | 'merge';
}

/** Completion of a pod or container. */
export interface CompletionResult {
  phase: 'Succeeded' | 'Failed' | 'Running' | 'Pending' | 'Unknown' | (string & {});
  exitCode?: number;
  reason?: string;
  timedOut: boolean;
  /** The pod's IP when it had one (probe evidence is stamped with it). */
  podIp?: string;
  /** What goes with the reason (the kubelet's or the API server's words). */
  message?: string;
  /**
   * The pod cannot start and waiting longer will not help (the image cannot be pulled, the
   * kubelet rejected it): returned at once, before the timeout.
   */
  stuck?: boolean;
  /** Still Pending because the kubelet is pulling the image (its "Pulling" event has no "Pulled" yet): returned once the pull budget is spent. */
  pullingImage?: boolean;
}

/** Plain-data access to one cluster. Every method call counts its HTTP requests in `apiRequests`. */
export interface ClusterAccess {
  /** Number of API requests made so far (each retry counts). */
  readonly apiRequests: number;
  /** A name for the cluster (kubeconfig context), if known. */
  readonly clusterName?: string;

  readPod(namespace: string, name: string): Promise<ClusterPod>;
  /** One list call; namespace undefined = all namespaces. */
  listPods(namespace: string | undefined, opts?: ListOptions): Promise<ClusterPod[]>;
  /**
   * The same list in pages of at most `pageSize` pods (`limit`/`continue`), each page handed to
   * `each` and then dropped, so a caller that only counts holds one page whatever the pod count.
   */
  scanPods(namespace: string | undefined, opts: ListOptions & { pageSize: number }, each: (page: ClusterPod[]) => void): Promise<void>;
  /**
   * Where pods run, in pages of at most `pageSize` over all namespaces: namespace, name and node
   * only, for summaries that count pods (the API server's Table of pods, each row with the pod's
   * metadata: a fraction of the bytes of the pods themselves).
   */
  scanPodNodes(opts: ListOptions & { pageSize: number }, each: (page: PodPlacement[]) => void): Promise<void>;
  /** The top-level controller: a ReplicaSet resolves to its Deployment, a Job to its CronJob; others are returned as is. */
  resolveOwner(namespace: string, ref: OwnerRef): Promise<OwnerRef>;
  listNodes(opts?: ListOptions): Promise<NodeFacts[]>;
  readService(namespace: string, name: string): Promise<ServiceFacts>;
  listServices(namespace?: string): Promise<ServiceFacts[]>;
  /** EndpointSlices (flattened per service); falls back to core Endpoints when discovery.k8s.io is absent. */
  listServiceEndpoints(namespace: string | undefined, service?: string): Promise<ServiceEndpoints[]>;
  listNamespaces(): Promise<NamespaceInfo[]>;
  readConfigMap(namespace: string, name: string): Promise<ConfigMapData>;
  /** Merge patch of data keys (null deletes a key) with the resourceVersion precondition. */
  patchConfigMapData(namespace: string, name: string, data: Record<string, string | null>, opts: WriteOptions): Promise<ConfigMapData>;
  /** NetworkPolicy objects as plain JSON. */
  listNetworkPolicies(namespace: string): Promise<unknown[]>;
  listDaemonSets(namespace: string, opts?: ListOptions): Promise<DaemonSetInfo[]>;

  exec(namespace: string, pod: string, container: string, argv: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  createPod(spec: ProbePodSpec): Promise<ClusterPod>;
  deletePod(namespace: string, name: string, opts?: { gracePeriodSeconds?: number }): Promise<void>;
  /** Polls until the pod (or one of its ephemeral containers) terminates, or the timeout passes. */
  /**
   * Polls a pod until it ends, cannot start, or `timeoutMs` passes. With `pullBudgetMs`, a pod still
   * Pending after that long whose image the kubelet is still pulling is returned as timed out
   * (`pullingImage`) instead of waiting for the pull.
   */
  waitForCompletion(namespace: string, name: string, opts: { timeoutMs: number; pollMs?: number; ephemeralContainer?: string; pullBudgetMs?: number }): Promise<CompletionResult>;
  podLogs(namespace: string, name: string, container?: string, opts?: LogOptions): Promise<string>;
  addEphemeralContainer(namespace: string, pod: string, spec: EphemeralContainerSpec): Promise<void>;
  /** Prometheus text from a pod port through the API server's pods/proxy (`NAME:PORT/proxy/PATH`). */
  podProxyGet(namespace: string, pod: string, port: number, path: string): Promise<string>;

  readWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<WorkloadInfo>;
  /** Patch the workload (body e.g. {spec:{template:{spec:{hostAliases:[…]}}}}), strategic merge unless opts.patchType is 'merge'. */
  patchWorkload(kind: WorkloadKind, namespace: string, name: string, patch: Record<string, unknown>, opts: WorkloadWriteOptions): Promise<WorkloadInfo>;
  /** `kubectl rollout restart`: sets the restartedAt annotation on the pod template. */
  restartDeployment(namespace: string, name: string): Promise<WorkloadInfo>;
}

/**
 * Base of every error ClusterAccess throws (the convention of ./errors.ts). `httpStatus` is the
 * API server's status code when there was a response.
 */
export class ClusterError extends DnswhyError {
  override readonly code: string = 'cluster-error';
  override readonly permanent: boolean = false;
  constructor(message: string, readonly httpStatus?: number) {
    super(message);
  }
}

/** The object does not exist (HTTP 404). */
export class NotFoundError extends ClusterError {
  override readonly code = 'cluster-not-found';
  override readonly permanent = true;
  constructor(message: string, readonly resource?: { kind: string; namespace?: string; name: string }) {
    super(message, 404);
  }
}

/** The API refused: the missing permission, as RBAC names it. */
export class ForbiddenError extends ClusterError {
  override readonly code = 'cluster-forbidden';
  override readonly permanent = true;
  constructor(
    message: string,
    readonly verb: string,
    readonly resource: string,
    readonly namespace?: string,
    readonly subresource?: string,
  ) {
    super(message, 403);
  }

  /** "create pods/exec in namespace default" */
  get permission(): string {
    const res = this.subresource ? `${this.resource}/${this.subresource}` : this.resource;
    return `${this.verb} ${res}${this.namespace ? ` in namespace ${this.namespace}` : ' (cluster scope)'}`;
  }
}

/**
 * An admission step refused the request (HTTP 403 that is not RBAC): Pod Security, a ResourceQuota,
 * a validating admission policy or webhook. The message is the API server's own.
 */
export class AdmissionRefusedError extends ClusterError {
  override readonly code = 'cluster-admission-refused';
  override readonly permanent = true;
  constructor(message: string) {
    super(message, 403);
  }
}

/** The object changed under us (HTTP 409: resourceVersion precondition failed, or already exists). */
export class ConflictError extends ClusterError {
  override readonly code: string = 'cluster-conflict';
  constructor(message: string, readonly reason?: 'changed' | 'exists') {
    super(message, 409);
  }
}

/** Worth retrying later: timeouts, connection errors, 429, 5xx. */
export class TransientError extends ClusterError {
  override readonly code = 'cluster-unavailable';
}

/** The API rejected the request as invalid (400/415/422): retrying will not help. */
export class InvalidRequestError extends ClusterError {
  override readonly code = 'cluster-invalid-request';
  override readonly permanent = true;
}

/**
 * Parse the permission out of a Forbidden Status message, e.g.
 * `pods "x" is forbidden: User "u" cannot create resource "pods/exec" in API group "" in the namespace "default"`.
 */
export function parseForbiddenMessage(message: string): { verb: string; resource: string; subresource?: string; namespace?: string; group?: string } | undefined {
  const m = /cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/.exec(message);
  if (!m) return undefined;
  const [resource, subresource] = m[2]!.split('/', 2) as [string, string | undefined];
  return {
    verb: m[1]!,
    resource,
    ...(subresource ? { subresource } : {}),
    ...(m[3] ? { group: m[3] } : {}),
    ...(m[4] ? { namespace: m[4] } : {}),
  };
}
