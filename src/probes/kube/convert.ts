/**
 * client-node objects → the plain shapes of src/core (ClusterPod, NodeFacts, ServiceFacts, …).
 * Kept apart from the API calls so the mapping is easy to read and test.
 */
import type {
  V1ContainerStatus,
  V1DaemonSet,
  V1Endpoints,
  V1Node,
  V1Pod,
  V1Service,
  V1EndpointSlice,
} from '@kubernetes/client-node';
import type { ClusterPod, ContainerState, DaemonSetInfo } from '../../core/cluster-access.js';
import type { DnsPolicy, EndpointAddress, NodeFacts, OwnerRef, ServiceEndpoints, ServiceFacts, ServicePort } from '../../core/model/index.js';

const zoneLabels = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const regionLabels = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];

/** Zone of a node from its well-known labels. */
export function zoneOf(labels: Record<string, string> | undefined): string | undefined {
  for (const l of zoneLabels) if (labels?.[l]) return labels[l];
  return undefined;
}

function stateOf(s: V1ContainerStatus): ContainerState {
  if (s.state?.terminated) {
    return { state: 'terminated', exitCode: s.state.terminated.exitCode, ...(s.state.terminated.reason ? { reason: s.state.terminated.reason } : {}) };
  }
  if (s.state?.running) return { state: 'running' };
  if (s.state?.waiting) return { state: 'waiting', ...(s.state.waiting.reason ? { reason: s.state.waiting.reason } : {}) };
  return { state: 'unknown' };
}

function statesByName(list: V1ContainerStatus[] | undefined): Record<string, ContainerState> {
  const out: Record<string, ContainerState> = {};
  for (const s of list ?? []) out[s.name] = stateOf(s);
  return out;
}

/** A pod as plain data; `owner` is the direct controller until resolveOwner walks it up. */
export function toClusterPod(p: V1Pod): ClusterPod {
  const ctrl = p.metadata?.ownerReferences?.find((o) => o.controller) ?? p.metadata?.ownerReferences?.[0];
  const directOwner: OwnerRef | undefined = ctrl ? { kind: ctrl.kind, name: ctrl.name } : undefined;
  const statuses = p.status?.containerStatuses ?? [];
  const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const waitingState = statuses.find((s) => s.state?.waiting?.reason)?.state?.waiting;
  const waiting = waitingState?.reason;
  const unschedulable = (p.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const last = statuses.find((s) => s.lastState?.terminated)?.lastState?.terminated;
  const finished = last?.finishedAt as unknown;
  const spec = p.spec;
  const created = p.metadata?.creationTimestamp as unknown;
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    ip: p.status?.podIP ?? '',
    node: spec?.nodeName ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready,
    hostNetwork: spec?.hostNetwork ?? false,
    dnsPolicy: (spec?.dnsPolicy as DnsPolicy | undefined) ?? 'ClusterFirst',
    ...(spec?.dnsConfig
      ? {
          dnsConfig: {
            ...(spec.dnsConfig.nameservers ? { nameservers: [...spec.dnsConfig.nameservers] } : {}),
            ...(spec.dnsConfig.searches ? { searches: [...spec.dnsConfig.searches] } : {}),
            ...(spec.dnsConfig.options
              ? { options: spec.dnsConfig.options.map((o) => ({ name: o.name ?? '', ...(o.value !== undefined ? { value: o.value } : {}) })) }
              : {}),
          },
        }
      : {}),
    hostAliases: (spec?.hostAliases ?? []).map((h) => ({ ip: h.ip ?? '', hostnames: [...(h.hostnames ?? [])] })),
    ...(directOwner ? { owner: directOwner, directOwner } : {}),
    labels: { ...(p.metadata?.labels ?? {}) },
    containers: (spec?.containers ?? []).map((c) => c.name),
    images: (spec?.containers ?? []).map((c) => c.image ?? ''),
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    ...(waiting ? { waitingReason: waiting } : {}),
    ...(waitingState?.message ? { waitingMessage: waitingState.message } : {}),
    ...(last
      ? {
          lastTermination: {
            ...(last.reason ? { reason: last.reason } : {}),
            exitCode: last.exitCode,
            ...(last.message ? { message: last.message } : {}),
            ...(finished ? { finishedAt: finished instanceof Date ? finished.toISOString() : String(finished) } : {}),
          },
        }
      : {}),
    ...(created ? { createdAt: created instanceof Date ? created.toISOString() : String(created) } : {}),
    ...(p.metadata?.resourceVersion ? { resourceVersion: p.metadata.resourceVersion } : {}),
    containerStates: statesByName(statuses),
    ephemeral: statesByName(p.status?.ephemeralContainerStatuses),
    ...(p.status?.reason ? { statusReason: p.status.reason } : {}),
    ...(p.status?.message ? { statusMessage: p.status.message } : {}),
    ...(unschedulable ? { unschedulable: `${unschedulable.reason ?? 'Unschedulable'}${unschedulable.message ? `: ${unschedulable.message}` : ''}` } : {}),
  };
}

export function toNodeFacts(n: V1Node): NodeFacts {
  const labels = { ...(n.metadata?.labels ?? {}) };
  const addrs = n.status?.addresses ?? [];
  const ip = addrs.find((a) => a.type === 'InternalIP')?.address ?? addrs.find((a) => a.type === 'ExternalIP')?.address ?? '';
  const zone = zoneOf(labels);
  const region = regionLabels.map((l) => labels[l]).find(Boolean);
  return {
    name: n.metadata?.name ?? '',
    ip,
    ...(zone ? { zone } : {}),
    ...(region ? { region } : {}),
    ...(n.spec?.podCIDR ? { podCIDR: n.spec.podCIDR } : {}),
    labels,
  };
}

export function toServiceFacts(s: V1Service): ServiceFacts {
  const spec = s.spec;
  return {
    namespace: s.metadata?.namespace ?? '',
    name: s.metadata?.name ?? '',
    type: spec?.type ?? 'ClusterIP',
    ...(spec?.clusterIP ? { clusterIP: spec.clusterIP } : {}),
    ...(spec?.clusterIPs ? { clusterIPs: [...spec.clusterIPs] } : {}),
    ...(spec?.externalName ? { externalName: spec.externalName } : {}),
    ...(spec?.externalIPs ? { externalIPs: [...spec.externalIPs] } : {}),
    ports: (spec?.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort as number | string } : {}),
    })),
    ...(spec?.selector ? { selector: { ...spec.selector } } : {}),
  };
}

/** EndpointSlices of all services → one ServiceEndpoints per service (slices merged). */
export function fromEndpointSlices(slices: V1EndpointSlice[]): ServiceEndpoints[] {
  const bySvc = new Map<string, ServiceEndpoints>();
  for (const s of slices) {
    const ns = s.metadata?.namespace ?? '';
    const svc = s.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${ns}/${svc}`;
    let entry = bySvc.get(key);
    if (!entry) {
      entry = { namespace: ns, service: svc, addresses: [], ports: [] };
      bySvc.set(key, entry);
    }
    for (const p of s.ports ?? []) {
      const port: ServicePort = { ...(p.name ? { name: p.name } : {}), port: p.port ?? 0, protocol: p.protocol ?? 'TCP' };
      if (!entry.ports.some((q) => q.name === port.name && q.port === port.port && q.protocol === port.protocol)) entry.ports.push(port);
    }
    for (const e of s.endpoints ?? []) {
      for (const ip of e.addresses ?? []) {
        const addr: EndpointAddress = {
          ip,
          ready: e.conditions?.ready !== false,
          ...(e.hostname ? { hostname: e.hostname } : {}),
          ...(e.nodeName ? { nodeName: e.nodeName } : {}),
          ...(e.zone ? { zone: e.zone } : {}),
          ...(e.targetRef?.kind === 'Pod' && e.targetRef.name
            ? { targetPod: { namespace: e.targetRef.namespace ?? ns, name: e.targetRef.name } }
            : {}),
        };
        if (!entry.addresses.some((a) => a.ip === ip)) entry.addresses.push(addr);
      }
    }
  }
  return [...bySvc.values()];
}

/** Core v1 Endpoints (the fallback when EndpointSlices are unavailable). */
export function fromEndpoints(list: V1Endpoints[]): ServiceEndpoints[] {
  return list.map((e) => {
    const addresses: EndpointAddress[] = [];
    const ports: ServicePort[] = [];
    for (const sub of e.subsets ?? []) {
      for (const [arr, ready] of [
        [sub.addresses, true],
        [sub.notReadyAddresses, false],
      ] as const) {
        for (const a of arr ?? []) {
          addresses.push({
            ip: a.ip,
            ready,
            ...(a.hostname ? { hostname: a.hostname } : {}),
            ...(a.nodeName ? { nodeName: a.nodeName } : {}),
            ...(a.targetRef?.kind === 'Pod' && a.targetRef.name
              ? { targetPod: { namespace: a.targetRef.namespace ?? e.metadata?.namespace ?? '', name: a.targetRef.name } }
              : {}),
          });
        }
      }
      for (const p of sub.ports ?? []) ports.push({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' });
    }
    return { namespace: e.metadata?.namespace ?? '', service: e.metadata?.name ?? '', addresses, ports };
  });
}

export function toDaemonSetInfo(d: V1DaemonSet): DaemonSetInfo {
  const c = d.spec?.template?.spec?.containers?.[0];
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    labels: { ...(d.metadata?.labels ?? {}) },
    desired: d.status?.desiredNumberScheduled ?? 0,
    ready: d.status?.numberReady ?? 0,
    args: [...(c?.args ?? []), ...(c?.command ?? [])],
  };
}

/** Deep copy to plain JSON (client-node models hold Date objects and class instances). */
export function plain<T>(v: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(v ?? {})) as Record<string, unknown>;
}

/**
 * A NetworkPolicy as the API writes it. The client library's model names an ingress rule's `from` field
 * `_from` (a reserved word in its generator), so its plain copy would hide every ingress peer from the
 * checks, which read the wire format.
 */
export function toNetworkPolicyJson(p: unknown): Record<string, unknown> {
  const out = plain(p) as { spec?: { ingress?: Record<string, unknown>[] } } & Record<string, unknown>;
  for (const rule of out.spec?.ingress ?? []) {
    if ('_from' in rule) {
      rule['from'] = rule['_from'];
      delete rule['_from'];
    }
  }
  return out;
}
