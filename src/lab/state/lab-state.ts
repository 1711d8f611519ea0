/**
 * The lab cluster's state: the object store filled from a scenario, the pods' runtime side
 * (which executables exist, logs), IP allocation and scheduling for new pods, the files kubelet
 * writes for each pod, and the ClusterState the CoreDNS emulation answers from.
 */
import type { ClusterState, DnsPolicy, PodDnsConfig, ServiceFacts, ServiceEndpoints } from '../../core/model/k8s.js';
import { nodeHostsFile, podHostsFile } from '../kubelet/hosts-file.js';
import { podResolvConf } from '../kubelet/resolv-conf.js';
import { rngStream, type Rng } from '../net/seeded-rng.js';
import { CidrIndex, nthAddress } from '../scenario/addresses.js';
import type { Scenario } from '../scenario/schema.js';
import { defaultCorednsLocation } from '../../core/model/coredns-location.js';
import { nodeLocalConfigMap } from '../../core/corefile/node-local.js';
import type { NetworkPolicyObject, PolicyPod, PolicyView } from '../net/network-policies.js';
import { EndpointsController } from './endpoints-controller.js';
import {
  configMapObject,
  controllerRef,
  corednsPodSpec,
  defaultPodSpec,
  deploymentObject,
  directOwnerObject,
  directOwnerPodLabels,
  type DirectOwnerKind,
  dnsServiceObject,
  namespaceObject,
  nodeObject,
  podObject,
  podStatus,
  replicaSetObject,
  serviceObject,
  type OwnerReference,
  type PodTemplate,
  type ContainerHistory,
} from './kube-objects.js';
import { hashFromPodName, randomSuffix, templateHash } from './names.js';
import { AddressBook, type PodAddress } from './address-book.js';
import { ObjectStore, type KubeObject } from './object-store.js';
import { resourceByKind } from './resources.js';
import { cloneJson } from './clone-json.js';

/** What the lab knows about a pod beyond its API object. */
export interface PodRuntimeInfo {
  /** Executables that exist in the container image. */
  commands: string[];
  libc?: 'glibc' | 'musl';
  /** Log text by container name. */
  logs: Map<string, string>;
  /** The previous instance's log by container name (`kubectl logs --previous`). */
  previousLogs?: Map<string, string>;
  /** Restarts, waiting reason and last termination of the first container (kube-objects' podStatus). */
  history?: ContainerHistory;
}

/** A scenario pod's container history and logs, as addPod takes them. */
export interface PodHistoryInput {
  history?: ContainerHistory;
  logs?: string;
  previousLogs?: string;
}

/** The history fields of a scenario pod (app or CoreDNS). */
/**
 * Waiting reasons kubelet reports before a pod's container has ever started (the sandbox, an image, the
 * container's configuration): such a pod is Pending, not Running with a container waiting to restart.
 */
const notYetStartedReasons = new Set(['ContainerCreating', 'PodInitializing', 'ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

/** A CoreDNS pod's phase: Pending while its container never started (no restarts, waiting for one of those reasons), else Running. */
export function corednsPhase(p: { restarts: number; waiting?: { reason: string } }): 'Pending' | 'Running' {
  return p.restarts === 0 && p.waiting !== undefined && notYetStartedReasons.has(p.waiting.reason) ? 'Pending' : 'Running';
}

export function historyOf(p: { restarts: number; waiting?: { reason: string; message?: string }; lastTerminated?: { reason: string; exitCode: number; message?: string }; logs?: string; previousLogs?: string }): PodHistoryInput {
  const history: ContainerHistory = {
    ...(p.restarts > 0 ? { restarts: p.restarts } : {}),
    ...(p.waiting ? { waiting: { ...p.waiting } } : {}),
    ...(p.lastTerminated ? { lastTerminated: { ...p.lastTerminated } } : {}),
  };
  return {
    ...(Object.keys(history).length > 0 ? { history } : {}),
    ...(p.logs !== undefined ? { logs: p.logs } : {}),
    ...(p.previousLogs !== undefined ? { previousLogs: p.previousLogs } : {}),
  };
}

export interface LabNode {
  name: string;
  ip: string;
  podCIDR: string;
  resolvConf: string;
  labels: Record<string, string>;
  /** Seconds a first pull of an image takes on this node. */
  imagePullSeconds?: number;
}

const t = (kind: string) => resourceByKind(kind)!;
const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

export class LabState {
  readonly store: ObjectStore;
  readonly nodes: Map<string, LabNode>;
  /** Runtime info by `namespace/name`. */
  readonly runtime = new Map<string, PodRuntimeInfo>();
  /** Executables of pods a Deployment creates, by `namespace/deployment`. */
  readonly templateCommands = new Map<string, { commands: string[]; libc?: 'glibc' | 'musl' }>();
  readonly endpoints: EndpointsController;
  private readonly names: Rng;
  readonly startedAt: Date;

  constructor(
    readonly scenario: Scenario,
    opts: { now?: () => Date } = {},
  ) {
    const now = opts.now ?? (() => new Date());
    this.startedAt = now();
    const uidRng = rngStream(scenario.seed, 'lab-api-uid');
    const uidPrefix = Array.from({ length: 18 }, () => Math.floor(uidRng() * 16).toString(16)).join('');
    this.store = new ObjectStore(now, uidPrefix);
    this.names = rngStream(scenario.seed, 'lab-api-names');
    this.endpoints = new EndpointsController(this.store, rngStream(scenario.seed, 'lab-api-slices'));
    this.nodes = new Map(scenario.nodes.map((n) => [n.name, { ...n }]));
    const s = scenario;
    this.addresses = new AddressBook([s.cluster.dnsService.ip, ...s.nodes.map((n) => n.ip), ...s.resolvers.map((r) => r.ip), ...s.hosts.map((h) => h.ip), ...s.pods.map((p) => p.ip), ...s.coredns.pods.map((p) => p.ip)], () => podAddresses(this.store));
    this.store.onChange((ch) => this.addresses.changed(ch));
    this.build();
  }

  /** A fresh 5-character name suffix from the seeded stream. */
  suffix(): string {
    return randomSuffix(this.names);
  }

  // ---- building from the scenario -------------------------------------------------------------

  private build(): void {
    const s = this.scenario;
    const started = stamp(this.startedAt);
    const namespaces = new Set(['default', 'kube-node-lease', 'kube-public', 'kube-system', s.coredns.namespace, s.cluster.dnsService.namespace]);
    for (const p of s.pods) namespaces.add(p.namespace);
    for (const v of s.services) namespaces.add(v.namespace);
    for (const np of s.networkPolicies) namespaces.add(np.metadata.namespace);
    for (const n of s.namespaces) namespaces.add(n.name);
    for (const q of s.resourceQuotas) namespaces.add(q.namespace);
    const nsLabels = new Map(s.namespaces.map((n) => [n.name, n.labels]));
    for (const ns of [...namespaces].sort()) this.store.create(t('Namespace'), namespaceObject(ns, nsLabels.get(ns)));
    for (const q of s.resourceQuotas) this.store.create(t('ResourceQuota'), { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: q.name, namespace: q.namespace }, spec: { hard: { ...q.hard } }, status: { hard: { ...q.hard }, used: {} } });
    for (const n of s.nodes) this.store.create(t('Node'), nodeObject(n, started));

    // CoreDNS: ConfigMap, Deployment, ReplicaSet, pods, Service.
    const c = s.coredns;
    this.store.create(t('ConfigMap'), configMapObject({ namespace: c.namespace, name: c.configMap, data: { Corefile: c.corefile, ...c.files } }));
    const nl = s.nodeLocalDns;
    if (nl) {
      this.store.create(t('ConfigMap'), configMapObject({ namespace: c.namespace, name: nodeLocalConfigMap, data: { Corefile: nl.corefile } }));
      const args = ['-localip', `${nl.ip},${s.cluster.dnsService.ip}`, '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream'];
      this.createDirectOwner(c.namespace, 'DaemonSet', nodeLocalConfigMap, { 'k8s-app': 'node-local-dns' }, { containers: [{ name: 'node-cache', image: 'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1', args }], hostNetwork: true, dnsPolicy: 'Default' }, 0);
    }
    if (c.custom) this.store.create(t('ConfigMap'), configMapObject({ namespace: c.namespace, name: defaultCorednsLocation.customConfigMap, data: { ...c.custom } }));
    const corednsTemplate = { metadata: { labels: { ...c.labels } }, spec: corednsPodSpec({ image: c.image, configMap: c.configMap }) };
    this.templateCommands.set(`${c.namespace}/${c.deployment}`, { commands: [] });
    this.createWorkload(
      c.namespace,
      c.deployment,
      { ...c.labels },
      corednsTemplate,
      c.pods.map((p) => ({ name: p.name, node: p.node, ip: p.ip, ready: p.ready, phase: corednsPhase(p), hostNetwork: false, ...historyOf(p) })),
      { commands: [] },
    );
    const d = s.cluster.dnsService;
    const dnsService = this.store.create(
      t('Service'),
      dnsServiceObject({ namespace: d.namespace, name: d.name, ip: d.ip, appLabel: c.labels['k8s-app'] ?? 'kube-dns', ...(d.endpoints ? {} : { selector: { ...(d.selector ?? c.labels) } }) }),
    );
    if (d.endpoints) this.createManualEndpoints(dnsService, d.endpoints);

    // Application pods, grouped by owner.
    const groups = new Map<string, Scenario['pods']>();
    for (const p of s.pods) {
      const k = p.owner ? `${p.namespace}/${p.owner.kind}/${p.owner.name}` : `${p.namespace}//${p.name}`;
      groups.set(k, [...(groups.get(k) ?? []), p]);
    }
    for (const pods of groups.values()) {
      const first = pods[0]!;
      const container = first.container ?? first.owner?.name ?? first.name;
      const specOf = (p: Scenario['pods'][number]) =>
        defaultPodSpec({
          containers: [{ name: container, image: p.image }],
          dnsPolicy: p.dnsPolicy,
          ...(p.dnsConfig ? { dnsConfig: p.dnsConfig } : {}),
          ...(p.hostAliases.length ? { hostAliases: p.hostAliases } : {}),
          ...(p.hostNetwork ? { hostNetwork: true } : {}),
          ...(p.hostname ? { hostname: p.hostname } : {}),
        });
      // The Deployment's template is the first pod's; a pod that differs keeps its own spec (as a
      // pod of an older ReplicaSet would), and the scenario check warns about it.
      const spec = specOf(first);
      const runtime = { commands: first.commands, ...(first.libc ? { libc: first.libc } : {}) };
      if (first.owner?.kind === 'Deployment' || first.owner?.kind === 'ReplicaSet') {
        const labels = Object.keys(first.labels).length ? { ...first.labels } : { app: first.owner.name };
        if (first.owner.kind === 'Deployment') this.templateCommands.set(`${first.namespace}/${first.owner.name}`, runtime);
        this.createWorkload(
          first.namespace,
          first.owner.name,
          labels,
          { metadata: { labels }, spec },
          pods.map((p) => ({ name: p.name, node: p.node, ip: p.ip, ready: p.ready, phase: p.phase, hostNetwork: p.hostNetwork, spec: specOf(p), ...historyOf(p) })),
          runtime,
          first.owner.kind === 'ReplicaSet',
        );
      } else {
        // A StatefulSet, DaemonSet or Job owns its pods directly: the lab serves it, selecting its pods.
        const direct = first.owner ? this.createDirectOwner(first.namespace, first.owner.kind as DirectOwnerKind, first.owner.name, first.labels, spec, pods.length) : undefined;
        for (const p of pods) {
          const podSpec = defaultPodSpec({
            ...spec,
            dnsPolicy: p.dnsPolicy,
            ...(p.dnsConfig ? { dnsConfig: p.dnsConfig } : {}),
            ...(p.hostAliases.length ? { hostAliases: p.hostAliases } : {}),
          });
          if (!p.dnsConfig) delete podSpec['dnsConfig'];
          if (!p.hostAliases.length) delete podSpec['hostAliases'];
          const owner = direct ? [direct.ref] : undefined;
          const podLabels = direct ? { ...p.labels, ...direct.selector, ...directOwnerPodLabels(direct.kind, p.name) } : p.labels;
          this.addPod(p.namespace, p.name, podLabels, podSpec, p.node, p.ip, p.phase, p.ready, { commands: p.commands, ...(p.libc ? { libc: p.libc } : {}) }, owner, historyOf(p));
        }
      }
    }

    // User Services.
    for (const v of s.services) {
      this.store.create(
        t('Service'),
        serviceObject({
          namespace: v.namespace,
          name: v.name,
          labels: v.labels,
          type: v.type ?? (v.externalName ? 'ExternalName' : 'ClusterIP'),
          clusterIP: v.clusterIP,
          externalName: v.externalName,
          ports: v.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol, targetPort: p.targetPort ?? p.port })),
          selector: v.selector,
        }),
      );
    }
    for (const o of this.store.list('statefulsets')) this.refreshDirectOwnerStatus(o.metadata.namespace!, 'StatefulSet', o.metadata.name);
    for (const o of this.store.list('daemonsets')) this.refreshDirectOwnerStatus(o.metadata.namespace!, 'DaemonSet', o.metadata.name);
    for (const np of s.networkPolicies) this.store.create(t('NetworkPolicy'), cloneJson(np) as unknown as KubeObject);
    this.endpoints.reconcile();
    // Keep Endpoints in step with pods and Services from now on.
    this.store.onChange((ch) => this.endpoints.changed(ch));
  }

  /** The Endpoints and EndpointSlice of a Service without selector, as someone wrote them (no controller touches them). */
  private createManualEndpoints(svc: KubeObject, endpoints: { ip: string; ready: boolean; node?: string | undefined }[]): void {
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name;
    const ports = ((svc as any).spec.ports ?? []).map((p: any) => ({ name: p.name, port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol }));
    const ready = endpoints.filter((e) => e.ready);
    const notReady = endpoints.filter((e) => !e.ready);
    const address = (e: { ip: string; node?: string | undefined }) => ({ ip: e.ip, ...(e.node ? { nodeName: e.node } : {}) });
    this.store.create(t('Endpoints'), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace: ns, labels: { ...(svc.metadata.labels ?? {}) } },
      ...(endpoints.length ? { subsets: [{ ...(ready.length ? { addresses: ready.map(address) } : {}), ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}), ports }] } : {}),
    });
    this.store.create(t('EndpointSlice'), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-manual`, namespace: ns, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'staff' } },
      addressType: 'IPv4',
      endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready, serving: e.ready, terminating: false }, ...(e.node ? { nodeName: e.node } : {}) })),
      ports,
    } as unknown as KubeObject);
  }

  /** Creates the StatefulSet, DaemonSet or Job a scenario's pods name as owner; its selector is the first pod's labels (else app: NAME). */
  private createDirectOwner(ns: string, kind: DirectOwnerKind, name: string, labels: Record<string, string>, spec: Record<string, any>, count: number): { kind: DirectOwnerKind; ref: OwnerReference; selector: Record<string, string> } {
    const selector = Object.keys(labels).length ? { ...labels } : { app: name };
    const template = { metadata: { labels: { ...selector } }, spec: cloneJson(spec) };
    const obj = this.store.create(t(kind), directOwnerObject({ kind, namespace: ns, name, selector, replicas: count, template }));
    return { kind, ref: controllerRef(kind, name, obj.metadata.uid!, obj.apiVersion), selector };
  }

  /** Recomputes a StatefulSet's or DaemonSet's status from the pods it owns. */
  refreshDirectOwnerStatus(ns: string, kind: 'StatefulSet' | 'DaemonSet', name: string): void {
    const plural = t(kind).plural;
    const o = this.store.get(plural, ns, name) as any;
    if (!o) return;
    const pods = this.store.ownedBy('pods', o.metadata.uid).filter((p) => !p.metadata.deletionTimestamp) as any[];
    const ready = pods.filter((p) => p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')).length;
    const generation = o.metadata.generation ?? 1;
    const status =
      kind === 'StatefulSet'
        ? { observedGeneration: generation, replicas: pods.length, readyReplicas: ready, currentReplicas: pods.length, updatedReplicas: pods.length, availableReplicas: ready }
        : { observedGeneration: generation, currentNumberScheduled: pods.length, desiredNumberScheduled: pods.length, numberMisscheduled: 0, numberReady: ready, numberAvailable: ready, updatedNumberScheduled: pods.length, ...(pods.length - ready > 0 ? { numberUnavailable: pods.length - ready } : {}) };
    if (JSON.stringify(status) !== JSON.stringify(o.status)) this.store.update(plural, { ...o, status });
  }

  /** Creates a Deployment (unless `rsOnly`), its ReplicaSet and its pods. */
  private createWorkload(
    ns: string,
    name: string,
    selector: Record<string, string>,
    template: PodTemplate,
    pods: ({ name: string; node: string; ip: string; ready: boolean; phase: string; hostNetwork: boolean; spec?: Record<string, any> } & PodHistoryInput)[],
    runtime: { commands: string[]; libc?: 'glibc' | 'musl' },
    rsOnly = false,
  ): void {
    const hash = pods.map((p) => hashFromPodName(p.name, name)).find((h) => h) ?? templateHash(template);
    let deployRef: OwnerReference | undefined;
    if (!rsOnly) {
      const deploy = this.store.create(t('Deployment'), deploymentObject({ namespace: ns, name, selector, replicas: pods.length, template }));
      deployRef = controllerRef('Deployment', name, deploy.metadata.uid!);
    }
    const rsName = rsOnly ? name : `${name}-${hash}`;
    const rsLabels = rsOnly ? { ...selector } : { ...selector, 'pod-template-hash': hash };
    const rs = this.store.create(
      t('ReplicaSet'),
      replicaSetObject({
        namespace: ns,
        name: rsName,
        labels: rsLabels,
        revision: '1',
        replicas: pods.length,
        owner: deployRef,
        matchLabels: rsLabels,
        template: { metadata: { labels: rsLabels }, spec: cloneJson(template.spec) },
      }),
    );
    const rsRef = [controllerRef('ReplicaSet', rsName, rs.metadata.uid!)];
    for (const p of pods) {
      const spec = { ...cloneJson(p.spec ?? template.spec), ...(p.hostNetwork ? { hostNetwork: true } : {}) };
      this.addPod(ns, p.name, rsLabels, spec, p.node, p.ip, p.phase, p.ready, runtime, rsRef, p);
    }
    this.refreshWorkloadStatus(ns, rsOnly ? { replicaSet: rsName } : { deployment: name });
  }

  /** Stores a scheduled pod with its IP, and its runtime info. */
  addPod(
    ns: string,
    name: string,
    labels: Record<string, string>,
    spec: Record<string, any>,
    node: string,
    ip: string,
    phase: string,
    ready: boolean,
    runtime: { commands: string[]; libc?: 'glibc' | 'musl' },
    ownerReferences?: NonNullable<KubeObject['metadata']['ownerReferences']>,
    past: PodHistoryInput = {},
  ): KubeObject {
    const hostIP = this.nodes.get(node)?.ip ?? '';
    const obj = podObject({
      namespace: ns,
      name,
      labels,
      spec: { ...spec, nodeName: node },
      ip,
      hostIP,
      phase,
      ready,
      startedAt: stamp(new Date()),
      ...(ownerReferences ? { ownerReferences } : {}),
      ...(past.history ? { history: past.history } : {}),
    });
    const container = (spec.containers?.[0]?.name as string | undefined) ?? '';
    this.runtime.set(`${ns}/${name}`, {
      commands: [...runtime.commands],
      ...(runtime.libc ? { libc: runtime.libc } : {}),
      logs: new Map(past.logs !== undefined ? [[container, past.logs]] : []),
      previousLogs: new Map(past.previousLogs !== undefined ? [[container, past.previousLogs]] : []),
      ...(past.history ? { history: past.history } : {}),
    });
    return this.store.create(t('Pod'), obj);
  }

  // ---- queries --------------------------------------------------------------------------------

  pod(ns: string, name: string): KubeObject | undefined {
    return this.store.get('pods', ns, name);
  }

  /** /etc/resolv.conf and /etc/hosts of a pod, generated by kubelet's rules from its current spec. */
  podFiles(ns: string, name: string): { resolvConf: string; hosts: string } | undefined {
    const pod = this.pod(ns, name) as any;
    if (!pod) return undefined;
    const node = this.nodes.get(pod.spec.nodeName);
    const spec = pod.spec;
    const resolvConf = podResolvConf(
      { namespace: ns, dnsPolicy: spec.dnsPolicy as DnsPolicy, dnsConfig: spec.dnsConfig as PodDnsConfig | undefined, hostNetwork: !!spec.hostNetwork },
      { domain: this.scenario.cluster.domain, dnsServiceIp: this.scenario.nodeLocalDns?.kubeletClusterDns ? this.scenario.nodeLocalDns.ip : this.scenario.cluster.dnsService.ip },
      { resolvConf: node?.resolvConf ?? '' },
    );
    const hosts = podHostsFile(
      {
        name,
        hostname: spec.hostname,
        ...(spec.subdomain ? { hostDomain: `${spec.subdomain}.${ns}.svc.${this.scenario.cluster.domain}` } : {}),
        ips: pod.status?.podIP ? [pod.status.podIP] : [],
        hostAliases: spec.hostAliases ?? [],
        hostNetwork: !!spec.hostNetwork,
      },
      node ? nodeHostsFile(node.name, node.ip) : '',
    );
    return { resolvConf, hosts };
  }

  /** The CoreDNS pods (by the DNS Service's selector) as the DNS world's replicas need them. */
  corednsPods(): { name: string; node: string; ip: string; ready: boolean }[] {
    const c = this.scenario.coredns;
    return this.store
      .withLabels('pods', c.namespace, c.labels)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))
      .filter((p) => (p['status'] as any)?.podIP && !p.metadata.deletionTimestamp)
      .map((p: any) => ({
        name: p.metadata.name,
        node: p.spec.nodeName,
        ip: p.status.podIP,
        ready: (p.status.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True'),
      }));
  }

  /**
   * What the kubernetes plugin answers from. Every DNS query asks for it, so each part is kept
   * until a write to its resource (the store's revision per resource; for pods, a change of their
   * addresses) and rebuilt only then.
   */
  clusterState(): ClusterState {
    const part = <K extends keyof ClusterState>(name: K, rev: number, build: () => ClusterState[K]): ClusterState[K] => {
      const cached = this.clusterParts.get(name);
      if (cached && cached.rev === rev) return cached.value as ClusterState[K];
      const value = build();
      this.clusterParts.set(name, { rev, value });
      return value;
    };
    const namespaces = part('namespaces', this.store.revisionOf('namespaces'), () => this.store.list('namespaces').map((n) => n.metadata.name));
    const services = part('services', this.store.revisionOf('services'), () =>
      this.store.list('services').map((o: any): ServiceFacts => ({
        namespace: o.metadata.namespace,
        name: o.metadata.name,
        type: o.spec.type ?? 'ClusterIP',
        ...(o.spec.clusterIP ? { clusterIP: o.spec.clusterIP } : {}),
        ...(o.spec.clusterIPs ? { clusterIPs: o.spec.clusterIPs } : {}),
        ...(o.spec.externalName ? { externalName: o.spec.externalName } : {}),
        ports: (o.spec.ports ?? []).map((p: any) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP', ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}) })),
        ...(o.spec.selector ? { selector: o.spec.selector } : {}),
      })),
    );
    const endpoints = part('endpoints', this.store.revisionOf('endpointslices'), () =>
      this.store.list('endpointslices').map((o: any): ServiceEndpoints => ({
        namespace: o.metadata.namespace,
        service: o.metadata.labels?.['kubernetes.io/service-name'] ?? o.metadata.name,
        addresses: (o.endpoints ?? []).flatMap((e: any) =>
          (e.addresses ?? []).map((ip: string) => ({
            ip,
            ready: e.conditions?.ready !== false,
            ...(e.hostname ? { hostname: e.hostname } : {}),
            ...(e.nodeName ? { nodeName: e.nodeName } : {}),
            ...(e.zone ? { zone: e.zone } : {}),
            ...(e.targetRef ? { targetPod: { namespace: e.targetRef.namespace, name: e.targetRef.name } } : {}),
          })),
        ),
        ports: (o.ports ?? []).map((p: any) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' })),
      })),
    );
    // Pods only as addresses, kept by the address book: status-only writes (a probe pod's phase) leave them.
    const pods = part('pods', this.addresses.podAddressRevision, () => this.addresses.podList() as ClusterState['pods']);
    const last = this.clusterView;
    if (last && last.namespaces === namespaces && last.services === services && last.endpoints === endpoints && last.pods === pods) return last;
    this.clusterView = { namespaces, services, endpoints, pods };
    return this.clusterView;
  }
  private readonly clusterParts = new Map<keyof ClusterState, { rev: number; value: unknown }>();

  /** What NetworkPolicy enforcement reads (src/lab/net/network-policies.ts), kept until pods, namespaces or policies change. */
  policyView(): PolicyView {
    const rev = `${this.store.revisionOf('pods')}|${this.store.revisionOf('namespaces')}|${this.store.revisionOf('networkpolicies')}`;
    if (this.policies?.rev === rev) return this.policies.view;
    const policies = this.store.list('networkpolicies') as unknown as NetworkPolicyObject[];
    const pods: PolicyPod[] =
      policies.length === 0
        ? []
        : (this.store.list('pods') as any[])
            .filter((p) => p.status?.podIP && !p.spec?.hostNetwork)
            .map((p) => ({
              namespace: p.metadata.namespace,
              name: p.metadata.name,
              ip: p.status.podIP,
              labels: { ...(p.metadata.labels ?? {}) },
              nodeIp: this.nodes.get(p.spec.nodeName)?.ip ?? '',
              ports: (p.spec.containers ?? []).flatMap((c: any) => c.ports ?? []),
            }));
    const namespaceLabels = Object.fromEntries(this.store.list('namespaces').map((n) => [n.metadata.name, { ...(n.metadata.labels ?? {}) }]));
    const view = { policies, pods, namespaceLabels };
    this.policies = { rev, view };
    return view;
  }
  private policies: { rev: string; view: PolicyView } | undefined;
  private clusterView: ClusterState | undefined;

  // ---- scheduling and addresses -------------------------------------------------------------

  /** Every IP in use or once used (nodes, pods, services, resolvers, hosts), so new pods never reuse one. */
  private readonly addresses: AddressBook;

  /** The next free address of a node's podCIDR (x.x.x.2 upwards; .1 is the bridge). */
  allocateIp(nodeName: string): string {
    const node = this.nodes.get(nodeName);
    if (!node) throw new Error(`no node ${nodeName}`);
    for (let n = 2; ; n++) {
      const ip = nthAddress(node.podCIDR, n);
      if (!ip) throw new Error(`node ${nodeName}: pod CIDR ${node.podCIDR} is full`);
      if (!this.addresses.isUsed(ip)) {
        this.addresses.reserve(ip);
        return ip;
      }
    }
  }

  /** The next free address of the Service range (taken as the DNS Service IP's /16, from .1.0 up). */
  allocateServiceIp(): string {
    const [a, b] = this.scenario.cluster.dnsService.ip.split('.');
    for (let n = 256; ; n++) {
      const ip = nthAddress(`${a}.${b}.0.0/16`, n);
      if (!ip) throw new Error('the Service range is full');
      if (!this.addresses.isUsed(ip)) {
        this.addresses.reserve(ip);
        return ip;
      }
    }
  }

  /** The node a new pod without nodeName goes to: the one running fewest pods (name order breaks ties). */
  pickNode(among: string[] = [...this.nodes.keys()]): string {
    const rev = this.store.revisionOf('pods');
    if (this.podsPerNode?.rev !== rev) {
      const counts = new Map<string, number>();
      for (const p of this.store.each('pods') as Iterable<any>) counts.set(p.spec.nodeName, (counts.get(p.spec.nodeName) ?? 0) + 1);
      this.podsPerNode = { rev, counts };
    }
    const counts = this.podsPerNode.counts;
    let best: [string, number] | undefined;
    for (const n of among) {
      const c = counts.get(n) ?? 0;
      if (!best || c < best[1] || (c === best[1] && n < best[0])) best = [n, c];
    }
    return best![0];
  }
  private podsPerNode: { rev: number; counts: Map<string, number> } | undefined;

  nodeOfIp(ip: string): string | undefined {
    this.nodeIndex ??= new CidrIndex([...this.nodes.values()].map((n) => ({ cidr: n.podCIDR, value: n.name })));
    return this.nodeIndex.find(ip);
  }
  private nodeIndex: CidrIndex<string> | undefined;

  /**
   * Recomputes Deployment and ReplicaSet status from their pods: those of one Deployment, of the
   * owners of one pod, or (neither given) of the whole namespace. Pods and ReplicaSets are found
   * through the store's owner index, so one workload costs its own pods, not the namespace's.
   */
  refreshWorkloadStatus(ns: string, only: { deployment?: string; replicaSet?: string; pod?: KubeObject } = {}): void {
    const store = this.store;
    let sets: any[];
    let deployments: any[];
    if (only.deployment !== undefined) {
      const d = store.get('deployments', ns, only.deployment);
      deployments = d ? [d] : [];
      sets = deployments.flatMap((x) => store.ownedBy('replicasets', x.metadata.uid));
    } else if (only.pod || only.replicaSet !== undefined) {
      const setNames = only.pod ? (only.pod.metadata.ownerReferences ?? []).filter((r) => r.kind === 'ReplicaSet').map((r) => r.name) : [only.replicaSet!];
      sets = setNames.map((n) => store.get('replicasets', ns, n)).filter((x) => x !== undefined);
      const names = new Set(sets.flatMap((rs: any) => (rs.metadata.ownerReferences ?? []).filter((r: any) => r.kind === 'Deployment').map((r: any) => r.name as string)));
      deployments = [...names].map((n) => store.get('deployments', ns, n)).filter((x) => x !== undefined);
    } else {
      sets = store.list('replicasets', ns);
      deployments = store.list('deployments', ns);
    }
    const podsOf = (uid: string) => store.ownedBy('pods', uid).filter((p) => !p.metadata.deletionTimestamp) as any[];
    const isReady = (p: any) => p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
    for (const rs of sets) {
      const mine = podsOf(rs.metadata.uid);
      const status = {
        replicas: mine.length,
        fullyLabeledReplicas: mine.length,
        readyReplicas: mine.filter(isReady).length,
        availableReplicas: mine.filter(isReady).length,
        observedGeneration: rs.metadata.generation ?? 1,
      };
      const current = store.get('replicasets', ns, rs.metadata.name) as any;
      if (current && JSON.stringify(status) !== JSON.stringify(current.status)) store.update('replicasets', { ...current, status });
    }
    for (const stale of deployments) {
      const d = store.get('deployments', ns, stale.metadata.name) as any;
      if (!d) continue;
      const owned = store.ownedBy('replicasets', d.metadata.uid) as any[];
      const current = owned.find((rs) => templateKey(rs.spec.template) === templateKey(d.spec.template));
      const mine = owned.flatMap((rs) => podsOf(rs.metadata.uid));
      const updated = current ? podsOf(current.metadata.uid) : [];
      const ready = mine.filter(isReady).length;
      const complete = updated.length === d.spec.replicas && mine.length === d.spec.replicas;
      const at = stamp(new Date());
      const status = {
        observedGeneration: complete ? d.metadata.generation : (d.status?.observedGeneration ?? d.metadata.generation),
        replicas: mine.length,
        updatedReplicas: updated.length,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(mine.length - ready > 0 ? { unavailableReplicas: mine.length - ready } : {}),
        conditions: [
          { type: 'Available', status: ready >= d.spec.replicas - Math.floor(d.spec.replicas / 4) ? 'True' : 'False', reason: ready >= d.spec.replicas - Math.floor(d.spec.replicas / 4) ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready >= d.spec.replicas - Math.floor(d.spec.replicas / 4) ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastUpdateTime: d.status?.conditions?.[0]?.lastUpdateTime ?? at, lastTransitionTime: d.status?.conditions?.[0]?.lastTransitionTime ?? at },
          { type: 'Progressing', status: 'True', reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: `ReplicaSet "${current?.metadata.name ?? ''}" ${complete ? 'has successfully progressed.' : 'is progressing.'}`, lastUpdateTime: d.status?.conditions?.[1]?.lastUpdateTime ?? at, lastTransitionTime: d.status?.conditions?.[1]?.lastTransitionTime ?? at },
        ],
      };
      const comparable = (x: any) => JSON.stringify({ ...x, conditions: x?.conditions?.map((c: any) => [c.type, c.status, c.reason]) });
      if (comparable(status) !== comparable(d.status)) store.update('deployments', { ...d, status });
    }
  }

  /** The kubelet rejected a pod (an untolerated NoExecute taint): it fails without running, with the reason. */
  rejectPod(ns: string, name: string, why: { reason: string; message: string }): void {
    const pod = this.pod(ns, name) as any;
    if (!pod) return;
    const { containerStatuses: _, ...rest } = pod.status;
    this.store.update('pods', { ...pod, status: { ...rest, phase: 'Failed', reason: why.reason, message: why.message, conditions: (rest.conditions ?? []).map((c: any) => (c.type === 'PodScheduled' ? c : { ...c, status: 'False' })) } });
  }

  /** Marks a pod's phase (probe pods finishing), keeping the rest of its status. */
  setPodPhase(ns: string, name: string, phase: string, exitCode?: number): void {
    const pod = this.pod(ns, name) as any;
    if (!pod) return;
    const history = this.runtime.get(`${ns}/${name}`)?.history;
    const status = podStatus({
      ip: pod.status.podIP,
      hostIP: pod.status.hostIP,
      phase,
      ready: true,
      startedAt: pod.status.startTime,
      containers: pod.spec.containers,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(history ? { history } : {}),
    });
    this.store.update('pods', { ...pod, status: { ...status, ephemeralContainerStatuses: pod.status.ephemeralContainerStatuses } });
  }

  /**
   * A running pod's first container changed state (it crashed and waits to be restarted, or came back):
   * the new history, and the logs of the current and previous instance. Readiness follows.
   */
  setContainerHistory(ns: string, name: string, history: ContainerHistory, logs?: { current?: string; previous?: string }): void {
    const pod = this.pod(ns, name) as any;
    const rt = this.runtime.get(`${ns}/${name}`);
    if (!pod || !rt) return;
    rt.history = history;
    const container = pod.spec.containers?.[0]?.name ?? '';
    if (logs?.current !== undefined) rt.logs.set(container, logs.current);
    if (logs?.previous !== undefined) (rt.previousLogs ??= new Map()).set(container, logs.previous);
    const ready = (pod.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') || history.waiting === undefined;
    const status = podStatus({ ip: pod.status.podIP, hostIP: pod.status.hostIP, phase: pod.status.phase, ready, startedAt: pod.status.startTime, containers: pod.spec.containers, history });
    const comparable = (x: any) => JSON.stringify(x?.containerStatuses?.map((c: any) => [c.ready, c.restartCount, c.state, c.lastState]));
    if (comparable(status) !== comparable(pod.status)) this.store.update('pods', { ...pod, status: { ...status, ephemeralContainerStatuses: pod.status.ephemeralContainerStatuses } });
  }
}

/** A pod template's identity, without the pod-template-hash label the ReplicaSet adds. */
export function templateKey(template: any): string {
  const { 'pod-template-hash': _, ...labels } = template?.metadata?.labels ?? {};
  return JSON.stringify({ labels, annotations: template?.metadata?.annotations ?? {}, spec: template?.spec ?? {} });
}

/** Every pod with an IP outside the host network (what the cluster view's pods are). */
function podAddresses(store: ObjectStore): PodAddress[] {
  const out: PodAddress[] = [];
  for (const p of store.each('pods') as Iterable<any>) if (p.status?.podIP && !p.spec?.hostNetwork) out.push({ namespace: p.metadata.namespace, name: p.metadata.name, ip: p.status.podIP });
  return out;
}
