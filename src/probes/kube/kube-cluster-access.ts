/**
 * ClusterAccess implemented with @kubernetes/client-node 1.4 (object parameters, explicit patch
 * content types). Reads use list calls with selectors; every HTTP request is counted; errors are
 * mapped to the typed errors of src/core/cluster-access.ts.
 */
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type CoreV1Event,
  type V1Node,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import type {
  ClusterAccess,
  ClusterPod,
  CompletionResult,
  ConfigMapData,
  DaemonSetInfo,
  EphemeralContainerSpec,
  ExecResult,
  ListOptions,
  LogOptions,
  NamespaceInfo,
  PodPlacement,
  ProbePodSpec,
  WorkloadInfo,
  WorkloadWriteOptions,
  WriteOptions,
} from '../../core/cluster-access.js';
import { ForbiddenError, NotFoundError, TransientError } from '../../core/cluster-access.js';
import type { NodeFacts, OwnerRef, ServiceEndpoints, ServiceFacts } from '../../core/model/index.js';
import type { WorkloadKind } from '../../core/model/workload-kinds.js';
import { fromEndpointSlices, fromEndpoints, plain, toClusterPod, toNetworkPolicyJson, toDaemonSetInfo, toNodeFacts, toServiceFacts } from './convert.js';
import { execInPod } from './exec.js';
import { getJson, tableAccept } from './get-json.js';
import { apiCalls, type ApiCall, type ApiCallId } from './api-calls.js';
import { mapError, type CallContext } from './map-error.js';
import { ephemeralContainerManifest, probePodManifest } from './probe-manifests.js';

const mergePatch = () => setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategicPatch = () => setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Options for building a KubeClusterAccess. */
export interface KubeAccessOptions {
  /** Retries of idempotent reads on transient errors (default 1). */
  readRetries?: number;
  /** Exec timeout when the caller gives none (default 10 s). */
  execTimeoutMs?: number;
}

/** The Kubernetes adapter: one instance per cluster (kubeconfig context or in-cluster credentials). */
/**
 * Waiting reasons of a container that will not start by waiting a few more seconds: the image
 * cannot be pulled (the kubelet only backs off and retries), or the container cannot be created as
 * specified. A probe pod in one of them is reported at once, with the kubelet's message.
 */
export const stuckWaitingReasons: ReadonlySet<string> = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

/** When an Event last happened, in ms (0 when it says nothing). */
function eventTime(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  return t ? new Date(t as unknown as string).getTime() || 0 : 0;
}

/** A pod Table page (server-side printing with includeObject=Metadata). */
interface PodTableJson {
  kind: 'Table';
  columnDefinitions?: { name: string }[];
  rows?: { cells?: unknown[]; object?: { metadata?: { namespace?: string; name?: string } } }[];
  metadata?: { continue?: string };
}

/**
 * Namespace, name and node of each pod of a page: from a Table, the row's metadata and its Node
 * column (found by name); from a plain pod list (a server that does not print Tables), the pods.
 */
function placementsOf(page: PodTableJson | PodListJson): PodPlacement[] {
  if (!('kind' in page) || page.kind !== 'Table') {
    return ((page as PodListJson).items ?? []).map((p) => ({ namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '', ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}) }));
  }
  const nodeColumn = (page.columnDefinitions ?? []).findIndex((c) => c.name === 'Node');
  if (nodeColumn < 0) throw new Error("the API server's Table of pods has no Node column");
  return (page.rows ?? []).map((r) => {
    const node = r.cells?.[nodeColumn];
    return { namespace: r.object?.metadata?.namespace ?? '', name: r.object?.metadata?.name ?? '', ...(typeof node === 'string' && node !== '' && node !== '<none>' ? { node } : {}) };
  });
}

/** A pod list page as the API server sends it (item fields as V1Pod's). */
interface PodListJson {
  items?: V1Pod[];
  metadata?: { continue?: string };
}

export class KubeClusterAccess implements ClusterAccess {
  private requests = 0;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly discovery: DiscoveryV1Api;
  private readonly networking: NetworkingV1Api;
  private endpointSlicesMissing = false;
  readonly clusterName?: string;

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly opts: KubeAccessOptions = {},
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
    this.networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const ctx = kubeConfig.getCurrentContext();
    if (ctx) this.clusterName = ctx;
  }

  /**
   * Build from a kubeconfig file (or the default chain: $KUBECONFIG, ~/.kube/config, then the
   * in-cluster service account when running in a pod), optionally switching context.
   */
  static fromKubeconfig(path?: string, context?: string, opts?: KubeAccessOptions): KubeClusterAccess {
    const kc = new KubeConfig();
    try {
      if (path) kc.loadFromFile(path);
      else kc.loadFromDefault();
    } catch (err) {
      throw new Error(`kubeconfig ${path ?? '(default: $KUBECONFIG, ~/.kube/config or in-cluster)'} cannot be loaded: ${(err as Error).message}`);
    }
    if (context) {
      if (!kc.getContextObject(context)) {
        const known = kc.getContexts().map((c) => c.name);
        throw new Error(`kubeconfig has no context "${context}" (known: ${known.join(', ') || 'none'})`);
      }
      kc.setCurrentContext(context);
    }
    if (!kc.getCurrentCluster()) throw new Error(`kubeconfig ${path ?? '(default)'} has no current cluster`);
    return new KubeClusterAccess(kc, opts);
  }

  /** Build from kubeconfig YAML text (the lab hands one out). */
  static fromKubeconfigText(yaml: string, context?: string, opts?: KubeAccessOptions): KubeClusterAccess {
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    if (context) kc.setCurrentContext(context);
    return new KubeClusterAccess(kc, opts);
  }

  /** The kubeconfig context in use ("in-cluster" for service-account credentials). */
  contextName(): string {
    return this.clusterName ?? 'in-cluster';
  }

  get apiRequests(): number {
    return this.requests;
  }

  /**
   * One counted API request, named by its entry in the API call table (apiCalls: the verbs and
   * resource RBAC checks); transient failures of reads are retried.
   */
  private async call<T>(id: ApiCallId, where: { namespace?: string; name?: string }, fn: () => Promise<T>): Promise<T> {
    const c: ApiCall = apiCalls[id];
    const ctx: CallContext = { verb: c.verbs.join(','), resource: c.resource, ...(c.subresource ? { subresource: c.subresource } : {}), ...where };
    const idempotent = c.verbs.every((v) => v === 'get' || v === 'list');
    const retries = idempotent ? (this.opts.readRetries ?? 1) : 0;
    for (let attempt = 0; ; attempt++) {
      this.requests++;
      try {
        return await fn();
      } catch (err) {
        const mapped = mapError(err, ctx);
        if (mapped instanceof TransientError && attempt < retries) {
          await sleep(100 * (attempt + 1));
          continue;
        }
        throw mapped;
      }
    }
  }

  async readPod(namespace: string, name: string): Promise<ClusterPod> {
    const p = await this.call('readPod', { namespace, name }, () => this.core.readNamespacedPod({ name, namespace }));
    return toClusterPod(p);
  }

  async listPods(namespace: string | undefined, opts: ListOptions = {}): Promise<ClusterPod[]> {
    const sel = { ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}), ...(opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {}) };
    const list = namespace
      ? await this.call('listPods', { namespace }, () => this.core.listNamespacedPod({ namespace, ...sel }))
      : await this.call('listPodsAllNamespaces', {}, () => this.core.listPodForAllNamespaces(sel));
    return list.items.map(toClusterPod);
  }

  async scanPods(namespace: string | undefined, opts: ListOptions & { pageSize: number }, each: (page: ClusterPod[]) => void): Promise<void> {
    // Plain JSON pages (get-json.ts): the items only pass through toClusterPod, whose fields are
    // the JSON's own names, so client-node's typed objects would be built only to be copied.
    const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
    let cont: string | undefined;
    do {
      const query = { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.pageSize, continue: cont };
      const list = namespace
        ? await this.call('listPods', { namespace }, () => getJson<PodListJson>(this.kubeConfig, path, query))
        : await this.call('listPodsAllNamespaces', {}, () => getJson<PodListJson>(this.kubeConfig, path, query));
      each((list.items ?? []).map(toClusterPod));
      cont = list.metadata?.continue || undefined;
    } while (cont);
  }

  async scanPodNodes(opts: ListOptions & { pageSize: number }, each: (page: PodPlacement[]) => void): Promise<void> {
    let cont: string | undefined;
    do {
      const query = { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, limit: opts.pageSize, continue: cont, includeObject: 'Metadata' };
      const page = await this.call('listPodsAllNamespaces', {}, () => getJson<PodTableJson | PodListJson>(this.kubeConfig, '/api/v1/pods', query, tableAccept));
      each(placementsOf(page));
      cont = page.metadata?.continue || undefined;
    } while (cont);
  }

  async resolveOwner(namespace: string, ref: OwnerRef): Promise<OwnerRef> {
    if (ref.kind === 'ReplicaSet') {
      const rs = await this.call('readReplicaSet', { namespace, name: ref.name }, () =>
        this.apps.readNamespacedReplicaSet({ name: ref.name, namespace }),
      );
      const o = rs.metadata?.ownerReferences?.find((x) => x.controller) ?? rs.metadata?.ownerReferences?.[0];
      return o ? { kind: o.kind, name: o.name } : ref;
    }
    if (ref.kind === 'Job') {
      const job = await this.call('readJob', { namespace, name: ref.name }, () => this.batch.readNamespacedJob({ name: ref.name, namespace }));
      const o = job.metadata?.ownerReferences?.find((x) => x.controller);
      return o ? { kind: o.kind, name: o.name } : ref;
    }
    return ref;
  }

  // Nodes and Services are read as plain JSON (get-json.ts): toNodeFacts and toServiceFacts read
  // only JSON-named fields, and client-node's typed objects for 1,000 nodes and 3,000 Services cost
  // a second of CPU in a diagnosis that needs a few fields of each.
  async listNodes(opts: ListOptions = {}): Promise<NodeFacts[]> {
    const list = await this.call('listNodes', {}, () => getJson<{ items?: V1Node[] }>(this.kubeConfig, '/api/v1/nodes', { labelSelector: opts.labelSelector }));
    return (list.items ?? []).map(toNodeFacts);
  }

  async readService(namespace: string, name: string): Promise<ServiceFacts> {
    const s = await this.call('readService', { namespace, name }, () => this.core.readNamespacedService({ name, namespace }));
    return toServiceFacts(s);
  }

  async listServices(namespace?: string): Promise<ServiceFacts[]> {
    const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/services` : '/api/v1/services';
    const list = namespace
      ? await this.call('listServicesAllNamespaces', { namespace }, () => getJson<{ items?: V1Service[] }>(this.kubeConfig, path, {}))
      : await this.call('listServicesAllNamespaces', {}, () => getJson<{ items?: V1Service[] }>(this.kubeConfig, path, {}));
    return (list.items ?? []).map(toServiceFacts);
  }

  /** The endpoints of one Service (the cluster DNS Service): a namespace and a name are required, as the roles grant no more. */
  async listServiceEndpoints(namespace: string | undefined, service?: string): Promise<ServiceEndpoints[]> {
    if (!namespace || !service) throw new Error('listServiceEndpoints needs a namespace and a Service name');
    if (!this.endpointSlicesMissing) {
      try {
        const list = await this.call('listEndpointSlices', { namespace }, () =>
          this.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${service}` }),
        );
        return fromEndpointSlices(list.items);
      } catch (err) {
        // Older clusters (or emulators) without discovery.k8s.io/v1: fall back to core Endpoints.
        if (!(err instanceof NotFoundError)) throw err;
        this.endpointSlicesMissing = true;
      }
    }
    const e = await this.call('readEndpoints', { namespace, name: service }, () => this.core.readNamespacedEndpoints({ name: service, namespace }));
    return fromEndpoints([e]);
  }

  async listNamespaces(): Promise<NamespaceInfo[]> {
    const list = await this.call('listNamespaces', {}, () => this.core.listNamespace({}));
    return list.items.map((n) => ({ name: n.metadata?.name ?? '', labels: { ...(n.metadata?.labels ?? {}) } }));
  }

  async readConfigMap(namespace: string, name: string): Promise<ConfigMapData> {
    const cm = await this.call('readConfigMap', { namespace, name }, () => this.core.readNamespacedConfigMap({ name, namespace }));
    return { namespace, name, resourceVersion: cm.metadata?.resourceVersion ?? '', data: { ...(cm.data ?? {}) } };
  }

  async patchConfigMapData(namespace: string, name: string, data: Record<string, string | null>, opts: WriteOptions): Promise<ConfigMapData> {
    const cm = await this.call(
      'patchConfigMap',
      { namespace, name },
      () =>
        this.core.patchNamespacedConfigMap(
          { name, namespace, body: { metadata: { resourceVersion: opts.resourceVersion }, data }, ...(opts.dryRun ? { dryRun: 'All' } : {}) },
          mergePatch(),
        ),
    );
    return { namespace, name, resourceVersion: cm.metadata?.resourceVersion ?? '', data: { ...(cm.data ?? {}) } };
  }

  async listNetworkPolicies(namespace: string): Promise<unknown[]> {
    const list = await this.call('listNetworkPolicies', { namespace }, () => this.networking.listNamespacedNetworkPolicy({ namespace }));
    return list.items.map((p) => toNetworkPolicyJson(p));
  }

  async listDaemonSets(namespace: string, opts: ListOptions = {}): Promise<DaemonSetInfo[]> {
    const list = await this.call('listDaemonSets', { namespace }, () =>
      this.apps.listNamespacedDaemonSet({ namespace, ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}) }),
    );
    return list.items.map(toDaemonSetInfo);
  }

  async exec(namespace: string, pod: string, container: string, argv: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec needs a command (argv array)');
    return this.call('exec', { namespace, name: pod }, () =>
      execInPod(this.kubeConfig, namespace, pod, container, argv, opts.timeoutMs ?? this.opts.execTimeoutMs ?? 10_000),
    );
  }

  async createPod(spec: ProbePodSpec): Promise<ClusterPod> {
    const body: V1Pod = probePodManifest(spec);
    const p = await this.call('createPod', { namespace: spec.namespace, name: spec.name }, () =>
      this.core.createNamespacedPod({ namespace: spec.namespace, body }),
    );
    return toClusterPod(p);
  }

  async deletePod(namespace: string, name: string, opts: { gracePeriodSeconds?: number } = {}): Promise<void> {
    try {
      await this.call('deletePod', { namespace, name }, () =>
        this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: opts.gracePeriodSeconds ?? 0 }),
      );
    } catch (err) {
      // Already gone is the outcome we wanted.
      if (!(err instanceof NotFoundError)) throw err;
    }
  }

  async waitForCompletion(namespace: string, name: string, opts: { timeoutMs: number; pollMs?: number; ephemeralContainer?: string; pullBudgetMs?: number }): Promise<CompletionResult> {
    const started = Date.now();
    const deadline = started + opts.timeoutMs;
    // Poll quickly at first (lab probes finish in a few hundred ms), then back off to 1 s so a
    // slow probe does not cost dozens of API requests; a watch on the pod cuts each wait short
    // when the pod changes, so the end of a probe is seen at once rather than up to 1 s later.
    let pollMs = opts.pollMs ?? 200;
    let last: ClusterPod | undefined;
    const changed = this.watchPod(namespace, name);
    try {
    for (;;) {
      last = await this.readPod(namespace, name);
      const ip = last.ip ? { podIp: last.ip } : {};
      if (opts.ephemeralContainer) {
        const st = last.ephemeral?.[opts.ephemeralContainer];
        if (st?.state === 'terminated') {
          return { phase: st.exitCode === 0 ? 'Succeeded' : 'Failed', ...(st.exitCode !== undefined ? { exitCode: st.exitCode } : {}), ...(st.reason ? { reason: st.reason } : {}), timedOut: false, ...ip };
        }
      } else if (last.phase === 'Succeeded' || last.phase === 'Failed') {
        const st = last.containerStates?.[last.containers[0] ?? ''];
        // A pod the kubelet rejected (an untolerated NoExecute taint) never ran a container: its own status says why.
        const reason = st?.reason ?? last.statusReason;
        const message = st?.exitCode === undefined ? last.statusMessage : undefined;
        return { phase: last.phase, ...(st?.exitCode !== undefined ? { exitCode: st.exitCode } : {}), ...(reason ? { reason } : {}), ...(message ? { message } : {}), timedOut: false, ...ip };
      } else if (last.waitingReason && stuckWaitingReasons.has(last.waitingReason)) {
        return { phase: last.phase, reason: last.waitingReason, ...(last.waitingMessage ? { message: last.waitingMessage } : {}), timedOut: false, stuck: true, ...ip };
      } else if (opts.pullBudgetMs !== undefined && last.phase === 'Pending' && Date.now() - started >= opts.pullBudgetMs) {
        const pulling = await this.imagePullUnderWay(namespace, name);
        if (pulling) return { phase: last.phase, reason: last.waitingReason ?? 'ContainerCreating', message: pulling, timedOut: true, pullingImage: true, ...ip };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const reason = last.waitingReason ?? (last.unschedulable ? 'Unschedulable' : undefined);
        const message = last.waitingMessage ?? last.unschedulable;
        return { phase: last.phase, ...(reason ? { reason } : {}), ...(message ? { message } : {}), timedOut: true, ...ip };
      }
      await changed.next(Math.min(pollMs, left));
      pollMs = Math.min(Math.round(pollMs * 1.5), Math.max(1000, opts.pollMs ?? 0));
    }
    } finally {
      changed.stop();
    }
  }

  private watchForbidden = false;

  /**
   * Changes of one pod, from a watch: `next(ms)` resolves at the pod's next change or after `ms`,
   * whichever comes first. Without a watch (refused, or the server does not serve it) it only waits `ms`.
   */
  private watchPod(namespace: string, name: string): { next(ms: number): Promise<void>; stop(): void } {
    let wake: (() => void) | undefined;
    let pending = false;
    let stopped = false;
    let abort: AbortController | undefined;
    if (!this.watchForbidden) {
      // The call table's watchPod: one long request, made by client-node's Watch rather than through call().
      this.requests++;
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
      new Watch(this.kubeConfig)
        .watch(path, { fieldSelector: `metadata.name=${name}` }, () => {
          pending = true;
          wake?.();
        }, (err) => {
          if (err && /forbidden|403/i.test(String((err as Error).message ?? err))) this.watchForbidden = true;
        })
        .then((a) => (stopped ? a.abort() : (abort = a)))
        .catch((err) => {
          if (/forbidden|403/i.test(String((err as Error)?.message ?? err))) this.watchForbidden = true;
        });
    }
    return {
      next: (ms) => {
        if (pending) {
          pending = false;
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => {
          const t = setTimeout(done, ms);
          function done(): void {
            clearTimeout(t);
            wake = undefined;
            pending = false;
            resolve();
          }
          wake = done;
        });
      },
      stop: () => {
        stopped = true;
        abort?.abort();
      },
    };
  }

  private eventsForbidden = false;

  /**
   * The kubelet's "Pulling image" message when its latest pull event for the pod has no "Pulled"
   * after it, else undefined (also when events cannot be read: then the caller waits as before).
   */
  private async imagePullUnderWay(namespace: string, name: string): Promise<string | undefined> {
    if (this.eventsForbidden) return undefined;
    try {
      const list = await this.call('listPodEvents', { namespace }, () =>
        this.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name}` }),
      );
      const pulls = list.items
        .filter((e) => e.reason === 'Pulling' || e.reason === 'Pulled')
        .sort((a, b) => eventTime(a) - eventTime(b) || Number(a.metadata?.resourceVersion ?? 0) - Number(b.metadata?.resourceVersion ?? 0));
      const latest = pulls.at(-1);
      return latest?.reason === 'Pulling' ? (latest.message ?? 'Pulling image') : undefined;
    } catch (err) {
      if (err instanceof ForbiddenError) this.eventsForbidden = true;
      return undefined;
    }
  }

  async podLogs(namespace: string, name: string, container?: string, opts: LogOptions = {}): Promise<string> {
    return this.call('podLogs', { namespace, name }, () =>
      this.core.readNamespacedPodLog({
        name,
        namespace,
        ...(container ? { container } : {}),
        ...(opts.previous ? { previous: true } : {}),
        ...(opts.tailLines !== undefined ? { tailLines: opts.tailLines } : {}),
        ...(opts.limitBytes !== undefined ? { limitBytes: opts.limitBytes } : {}),
      }),
    );
  }

  async addEphemeralContainer(namespace: string, pod: string, spec: EphemeralContainerSpec): Promise<void> {
    const body = { spec: { ephemeralContainers: [ephemeralContainerManifest(spec)] } };
    await this.call('addEphemeralContainer', { namespace, name: pod }, () =>
      this.core.patchNamespacedPodEphemeralcontainers({ name: pod, namespace, body }, strategicPatch()),
    );
  }

  async podProxyGet(namespace: string, pod: string, port: number, path: string): Promise<string> {
    return this.call('podProxy', { namespace, name: pod }, () =>
      this.core.connectGetNamespacedPodProxyWithPath({ name: `${pod}:${port}`, namespace, path: path.replace(/^\//, '') }),
    );
  }

  async readWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<WorkloadInfo> {
    const where = { namespace, name };
    const obj =
      kind === 'Deployment'
        ? await this.call('readDeployment', where, () => this.apps.readNamespacedDeployment({ name, namespace }))
        : kind === 'StatefulSet'
          ? await this.call('readStatefulSet', where, () => this.apps.readNamespacedStatefulSet({ name, namespace }))
          : await this.call('readDaemonSet', where, () => this.apps.readNamespacedDaemonSet({ name, namespace }));
    return toWorkload(kind, namespace, name, obj);
  }

  async patchWorkload(kind: WorkloadKind, namespace: string, name: string, patch: Record<string, unknown>, opts: WorkloadWriteOptions): Promise<WorkloadInfo> {
    const body = { ...patch, metadata: { ...((patch.metadata as Record<string, unknown> | undefined) ?? {}), resourceVersion: opts.resourceVersion } };
    const params = { name, namespace, body, ...(opts.dryRun ? { dryRun: 'All' } : {}) };
    const where = { namespace, name };
    const type = () => (opts.patchType === 'merge' ? mergePatch() : strategicPatch());
    const obj =
      kind === 'Deployment'
        ? await this.call('patchDeployment', where, () => this.apps.patchNamespacedDeployment(params, type()))
        : kind === 'StatefulSet'
          ? await this.call('patchStatefulSet', where, () => this.apps.patchNamespacedStatefulSet(params, type()))
          : await this.call('patchDaemonSet', where, () => this.apps.patchNamespacedDaemonSet(params, type()));
    return toWorkload(kind, namespace, name, obj);
  }

  async restartDeployment(namespace: string, name: string): Promise<WorkloadInfo> {
    const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
    const d = await this.call('patchDeployment', { namespace, name }, () =>
      this.apps.patchNamespacedDeployment({ name, namespace, body }, strategicPatch()),
    );
    return toWorkload('Deployment', namespace, name, d);
  }
}

interface WorkloadLike {
  metadata?: { resourceVersion?: string; generation?: number };
  spec?: { template?: unknown; selector?: { matchLabels?: Record<string, string> }; replicas?: number };
  status?: { readyReplicas?: number; numberReady?: number };
}

function toWorkload(kind: WorkloadKind, namespace: string, name: string, obj: WorkloadLike): WorkloadInfo {
  const ready = obj.status?.readyReplicas ?? obj.status?.numberReady;
  return {
    kind,
    namespace,
    name,
    resourceVersion: obj.metadata?.resourceVersion ?? '',
    ...(obj.metadata?.generation !== undefined ? { generation: obj.metadata.generation } : {}),
    template: plain(obj.spec?.template),
    selector: { ...(obj.spec?.selector?.matchLabels ?? {}) },
    ...(obj.spec?.replicas !== undefined ? { replicas: obj.spec.replicas } : {}),
    ...(ready !== undefined ? { readyReplicas: ready } : {}),
  };
}
