/**
 * Builders for the Kubernetes objects the lab serves, shaped as a real cluster returns them
 * (the fields kubectl, client-node and dnswhy read, with real defaults).
 */
import type { KubeObject } from './object-store.js';

export const kubeletVersion = 'v1.32.4';

export function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function nodeObject(n: { name: string; ip: string; podCIDR: string; labels: Record<string, string> }, startedAt: string): KubeObject {
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
    spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] },
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
}

/** A pod's status as kubelet reports it for a running (or finished) pod. */
export function podStatus(p: { ip: string; hostIP: string; phase: string; ready: boolean; startedAt: string; containers: { name: string; image: string }[]; exitCode?: number }): Record<string, unknown> {
  const running = p.phase === 'Running';
  const done = p.phase === 'Succeeded' || p.phase === 'Failed';
  const ready = running && p.ready;
  const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: p.startedAt, ...(status ? {} : type === 'Ready' || type === 'ContainersReady' ? { reason: done ? 'PodCompleted' : 'ContainersNotReady' } : {}) });
  return {
    phase: p.phase,
    conditions: [cond('PodReadyToStartContainers', !done), cond('Initialized', true), cond('Ready', ready), cond('ContainersReady', ready), cond('PodScheduled', true)],
    hostIP: p.hostIP,
    hostIPs: [{ ip: p.hostIP }],
    podIP: p.ip,
    podIPs: [{ ip: p.ip }],
    startTime: p.startedAt,
    qosClass: 'BestEffort',
    containerStatuses: p.containers.map((c, i) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image.split(':')[0]}@sha256:${'0'.repeat(63)}${i}`,
      containerID: `containerd://${'c'.repeat(63)}${i}`,
      ready,
      restartCount: 0,
      started: running,
      state: done
        ? { terminated: { exitCode: p.exitCode ?? 0, reason: p.exitCode ? 'Error' : 'Completed', startedAt: p.startedAt, finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), containerID: `containerd://${'c'.repeat(63)}${i}` } }
        : running
          ? { running: { startedAt: p.startedAt } }
          : { waiting: { reason: 'ContainerCreating' } },
    })),
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
  const out = structuredClone(spec);
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
