/**
 * Builders for the Kubernetes objects the lab serves, shaped as a real cluster returns them
 * (the fields kubectl, client-node and dnswhy read, with real defaults).
 */
import type { KubeObject } from './object-store.js';
import { cloneJson } from './clone-json.js';

export const kubeletVersion = 'v1.32.4';

export function namespaceObject(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function nodeObject(n: { name: string; ip: string; podCIDR: string; labels: Record<string, string>; taints?: { key: string; value?: string; effect: string }[] }, startedAt: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        ...n.labels,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR], ...(n.taints?.length ? { taints: n.taints.map((t) => ({ ...t })) } : {}) },
    status: {
      addresses: [
        { type: 'InternalIP', address: n.ip },
        { type: 'Hostname', address: n.name },
      ],
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: startedAt, lastTransitionTime: startedAt },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: startedAt, lastTransitionTime: startedAt },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: startedAt, lastTransitionTime: startedAt },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: startedAt, lastTransitionTime: startedAt },
      ],
      capacity: { cpu: '4', memory: '16384Mi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '4', memory: '16000Mi', pods: '110', 'ephemeral-storage': '95Gi' },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.1.0-28-amd64',
        kubeProxyVersion: kubeletVersion,
        kubeletVersion,
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '',
      },
    },
  };
}

/**
 * What kubelet reports about a pod's first container besides the phase: restarts, why it waits now,
 * how its previous instance ended. The one place the lab models container states (see podStatus).
 */
export interface ContainerHistory {
  restarts?: number;
  /** The container is not running: CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError, ... */
  waiting?: { reason: string; message?: string };
  /** lastState.terminated: OOMKilled with 137, Error with 1, ... */
  lastTerminated?: { reason: string; exitCode: number; message?: string; startedAt?: string; finishedAt?: string };
}

export interface PodInput {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ownerReferences?: NonNullable<KubeObject['metadata']['ownerReferences']>;
  spec: Record<string, unknown>;
  ip: string;
  hostIP: string;
  phase: string;
  ready: boolean;
  startedAt: string;
  history?: ContainerHistory;
}

const stampNow = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * A pod's status as kubelet reports it: running, finished, still creating, or (with `history.waiting`)
 * running with its first container waiting to be restarted, which makes the pod not ready, as a
 * crash-looping container does. Restart counts and the last termination go on the first container.
 */
export function podStatus(p: { ip: string; hostIP: string; phase: string; ready: boolean; startedAt: string; containers: { name: string; image: string }[]; exitCode?: number; history?: ContainerHistory }): Record<string, unknown> {
  const running = p.phase === 'Running';
  const done = p.phase === 'Succeeded' || p.phase === 'Failed';
  const h = p.history ?? {};
  const waiting = running && h.waiting !== undefined;
  const ready = running && p.ready && !waiting;
  const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: p.startedAt, ...(status ? {} : type === 'Ready' || type === 'ContainersReady' ? { reason: done ? 'PodCompleted' : 'ContainersNotReady' } : {}) });
  const containerId = (i: number) => `containerd://${'c'.repeat(63)}${i}`;
  return {
    phase: p.phase,
    conditions: [cond('PodReadyToStartContainers', !done), cond('Initialized', true), cond('Ready', ready), cond('ContainersReady', ready), cond('PodScheduled', true)],
    hostIP: p.hostIP,
    hostIPs: [{ ip: p.hostIP }],
    podIP: p.ip,
    podIPs: [{ ip: p.ip }],
    startTime: p.startedAt,
    qosClass: 'BestEffort',
    containerStatuses: p.containers.map((c, i) => {
      const first = i === 0;
      const last = first ? h.lastTerminated : undefined;
      return {
        name: c.name,
        image: c.image,
        imageID: `${c.image.split(':')[0]}@sha256:${'0'.repeat(63)}${i}`,
        containerID: containerId(i),
        ready: ready,
        restartCount: first ? (h.restarts ?? 0) : 0,
        started: running && !(first && waiting),
        state: done
          ? { terminated: { exitCode: p.exitCode ?? 0, reason: p.exitCode ? 'Error' : 'Completed', startedAt: p.startedAt, finishedAt: stampNow(), containerID: containerId(i) } }
          : first && waiting
            ? { waiting: { reason: h.waiting!.reason, ...(h.waiting!.message ? { message: h.waiting!.message } : {}) } }
            : running
              ? { running: { startedAt: p.startedAt } }
              : first && h.waiting
                ? { waiting: { reason: h.waiting.reason, ...(h.waiting.message ? { message: h.waiting.message } : {}) } }
                : { waiting: { reason: 'ContainerCreating' } },
        ...(last
          ? {
              lastState: {
                terminated: {
                  exitCode: last.exitCode,
                  reason: last.reason,
                  ...(last.message ? { message: last.message } : {}),
                  startedAt: last.startedAt ?? p.startedAt,
                  finishedAt: last.finishedAt ?? p.startedAt,
                  containerID: containerId(i),
                },
              },
            }
          : { lastState: {} }),
      };
    }),
  };
}

export function podObject(p: PodInput): KubeObject {
  const containers = (p.spec['containers'] as { name: string; image: string }[]) ?? [];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: p.labels,
      ...(p.ownerReferences ? { ownerReferences: p.ownerReferences } : {}),
    },
    spec: p.spec,
    status: podStatus({ ...p, containers }),
  };
}

/** Pod spec defaults the API server fills in. */
export function defaultPodSpec(spec: Record<string, any>): Record<string, any> {
  const out = cloneJson(spec);
  out.containers = (out.containers ?? []).map((c: any) => ({
    imagePullPolicy: String(c.image ?? '').endsWith(':latest') || !String(c.image ?? '').includes(':') ? 'Always' : 'IfNotPresent',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...c,
  }));
  out.dnsPolicy ??= 'ClusterFirst';
  out.restartPolicy ??= 'Always';
  out.schedulerName ??= 'default-scheduler';
  out.securityContext ??= {};
  out.serviceAccountName ??= 'default';
  out.serviceAccount ??= out.serviceAccountName;
  out.terminationGracePeriodSeconds ??= 30;
  out.enableServiceLinks ??= true;
  out.preemptionPolicy ??= 'PreemptLowerPriority';
  out.priority ??= 0;
  out.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  return out;
}

export type OwnerReference = NonNullable<KubeObject['metadata']['ownerReferences']>[number];

/** The ownerReferences entry a controller sets on what it creates. */
export function controllerRef(kind: string, name: string, uid: string, apiVersion = 'apps/v1'): OwnerReference {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export function configMapObject(c: { namespace: string; name: string; data: Record<string, string> }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: c.name, namespace: c.namespace }, data: c.data };
}

export interface ServicePortInput {
  name?: string;
  port: number;
  protocol: string;
  targetPort: number | string;
}

export interface ServiceInput {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  type: string;
  /** Every type but ExternalName. */
  clusterIP?: string;
  externalName?: string;
  ports: ServicePortInput[];
  selector?: Record<string, string>;
}

/** A single-stack IPv4 Service (or an ExternalName one), with the defaults the API server fills in. */
export function serviceObject(v: ServiceInput): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: v.name, namespace: v.namespace, labels: v.labels, ...(v.annotations ? { annotations: v.annotations } : {}) },
    spec: {
      type: v.type,
      ...(v.type === 'ExternalName'
        ? { externalName: v.externalName }
        : { clusterIP: v.clusterIP, clusterIPs: [v.clusterIP], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' }),
      ports: v.ports,
      ...(v.selector ? { selector: v.selector } : {}),
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

/** A pod template: the labels its pods carry and their spec. */
export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, any>;
}

/** A Deployment at its first revision; `template` is copied. */
export function deploymentObject(d: { namespace: string; name: string; selector: Record<string, string>; replicas: number; template: PodTemplate }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: d.name, namespace: d.namespace, labels: { ...d.selector }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { ...d.selector } },
      template: cloneJson(d.template),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
}

/** Owners that create their pods themselves, with no ReplicaSet between. */
export type DirectOwnerKind = 'StatefulSet' | 'DaemonSet' | 'Job';

/** Labels the controller adds to a pod of its own (a StatefulSet names each pod). */
export function directOwnerPodLabels(kind: DirectOwnerKind, podName: string): Record<string, string> {
  return kind === 'StatefulSet' ? { 'statefulset.kubernetes.io/pod-name': podName } : {};
}

/**
 * A StatefulSet, DaemonSet or Job that owns pods directly (no ReplicaSet between them), as the lab
 * serves the owners a scenario names. Jobs select their pods by controller-uid, set once the uid is known.
 */
export function directOwnerObject(d: { kind: DirectOwnerKind; namespace: string; name: string; selector: Record<string, string>; replicas: number; template: PodTemplate }): KubeObject {
  const metadata = { name: d.name, namespace: d.namespace, labels: { ...d.selector } };
  const template = cloneJson(d.template);
  switch (d.kind) {
    case 'StatefulSet':
      return {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata,
        spec: { replicas: d.replicas, serviceName: d.name, selector: { matchLabels: { ...d.selector } }, template, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10 },
        status: {},
      };
    case 'DaemonSet':
      return {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata,
        spec: { selector: { matchLabels: { ...d.selector } }, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 },
        status: {},
      };
    case 'Job':
      return {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata,
        spec: { parallelism: d.replicas, completions: d.replicas, backoffLimit: 6, manualSelector: false, template: { ...template, spec: { restartPolicy: 'Never', ...template.spec } } },
        status: {},
      };
  }
}

/** A ReplicaSet at a Deployment revision (or on its own, without `owner`); `template` is used as given. */
export function replicaSetObject(r: {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  revision: string;
  replicas: number;
  owner?: OwnerReference;
  matchLabels: Record<string, string>;
  template: PodTemplate;
}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: r.name,
      namespace: r.namespace,
      labels: r.labels,
      annotations: { 'deployment.kubernetes.io/revision': r.revision, 'deployment.kubernetes.io/desired-replicas': String(r.replicas) },
      ...(r.owner ? { ownerReferences: [r.owner] } : {}),
    },
    spec: { replicas: r.replicas, selector: { matchLabels: r.matchLabels }, template: r.template },
    status: {},
  };
}

/** CoreDNS as kubeadm deploys it: the pod spec of its Deployment, reading the Corefile from `configMap`. */
export function corednsPodSpec(c: { image: string; configMap: string }): Record<string, any> {
  return defaultPodSpec({
    containers: [
      {
        name: 'coredns',
        image: c.image,
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: [
          { containerPort: 53, name: 'dns', protocol: 'UDP' },
          { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
          { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
        ],
        volumeMounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }],
      },
    ],
    dnsPolicy: 'Default',
    priorityClassName: 'system-cluster-critical',
    serviceAccountName: 'coredns',
    volumes: [{ name: 'config-volume', configMap: { name: c.configMap, items: [{ key: 'Corefile', path: 'Corefile' }], defaultMode: 420 } }],
  });
}

/** The cluster DNS Service as kubeadm creates it (kube-dns: DNS over UDP and TCP, metrics on 9153). */
export function dnsServiceObject(d: { namespace: string; name: string; ip: string; appLabel: string; selector?: Record<string, string> }): KubeObject {
  return serviceObject({
    namespace: d.namespace,
    name: d.name,
    labels: { 'k8s-app': d.appLabel, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    type: 'ClusterIP',
    clusterIP: d.ip,
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
    ],
    selector: d.selector,
  });
}
