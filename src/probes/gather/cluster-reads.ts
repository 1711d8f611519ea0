/**
 * The cluster reads, each turned into evidence: nodes, the DNS Service with its
 * EndpointSlices and CoreDNS pods, the Corefile ConfigMaps, services and namespaces,
 * NetworkPolicies, NodeLocal DNSCache. List calls with selectors, never one call per object.
 */
import type { ClusterAccess, ClusterPod, NamespaceInfo } from '../../core/cluster-access.js';
import { NotFoundError } from '../../core/cluster-access.js';
import { corednsFiles } from '../../core/corefile/configmap-files.js';
import { nodeLocalConfigMap } from '../../core/corefile/node-local.js';
import type {
  CorednsLocation,
  CorednsImagePod,
  CorednsPod,
  CorefileEvidence,
  EndpointsEvidence,
  Evidence,
  NodeFacts,
  NodeLocalDnsEvidence,
  ServiceEndpoints,
  ServiceFacts,
} from '../../core/model/index.js';
import { elapsed, probeError, startTiming, withTimeout } from './run-step.js';

const api = { kind: 'api' } as const;

/** A settled read: the value, or the evidence explaining why there is none. */
export type Read<T> = { ok: true; value: T; evidence: Evidence[] } | { ok: false; evidence: Evidence[] };

async function read<T>(probe: string, what: string, timeoutMs: number, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; evidence: Evidence[] }> {
  const t = startTiming();
  try {
    return { ok: true, value: await withTimeout(probe, timeoutMs, fn()) };
  } catch (err) {
    return { ok: false, evidence: [probeError(probe, what, err, t, api)] };
  }
}

/** Nodes → `nodes` evidence. */
export async function readNodes(access: ClusterAccess, timeoutMs: number): Promise<Read<NodeFacts[]>> {
  const t = startTiming();
  const r = await read('list nodes', 'the nodes, their zones and pod CIDRs', timeoutMs, () => access.listNodes());
  if (!r.ok) return r;
  return { ok: true, value: r.value, evidence: [{ id: '', kind: 'nodes', from: api, at: t.at, ms: elapsed(t), nodes: r.value }] };
}

/** A CoreDNS pod as the evidence and the health summary describe it. */
export function corednsPodFacts(p: ClusterPod, zone: string | undefined): CorednsPod {
  return {
    name: p.name,
    namespace: p.namespace,
    ip: p.ip,
    node: p.node,
    ...(zone ? { zone } : {}),
    ready: p.ready,
    phase: p.phase,
    restarts: p.restarts,
    ...(p.waitingReason ? { waitingReason: p.waitingReason } : {}),
    ...(p.waitingMessage ? { waitingMessage: p.waitingMessage } : {}),
    ...(p.lastTermination ? { lastTermination: { ...p.lastTermination } } : {}),
  };
}

/** A pod whose containers include a CoreDNS image (the last path segment of its repository names coredns). */
function corednsImagePod(p: ClusterPod): CorednsImagePod | undefined {
  const image = (p.images ?? []).find((i) => (i.split('/').pop() ?? '').split(/[:@]/)[0]!.includes('coredns'));
  if (!image) return undefined;
  const owner = p.directOwner ?? p.owner;
  return { name: p.name, node: p.node, ready: p.ready, image, labels: { ...p.labels }, ...(owner ? { owner: { kind: owner.kind, name: owner.name } } : {}) };
}

/** The result of reading the DNS side of the cluster. */
export interface DnsSide {
  service?: ServiceFacts;
  endpoints: ServiceEndpoints | undefined;
  corednsPods: ClusterPod[];
}

/** The Service of `namespace` that serves DNS (UDP 53), preferring one that selects k8s-app=kube-dns and a name with "dns". */
async function findDnsService(access: ClusterAccess, namespace: string, timeoutMs: number): Promise<ServiceFacts | undefined> {
  const all = await read(`list services ${namespace}`, 'the Services of the DNS namespace', timeoutMs, () => access.listServices(namespace));
  if (!all.ok) return undefined;
  const dns = all.value.filter((v) => v.clusterIP && v.clusterIP !== 'None' && v.ports.some((p) => p.port === 53 && (p.protocol ?? 'TCP') === 'UDP'));
  const score = (v: ServiceFacts) => (v.selector?.['k8s-app'] === 'kube-dns' ? 2 : 0) + (/dns/.test(v.name) ? 1 : 0);
  return [...dns].sort((a, b) => score(b) - score(a) || a.name.localeCompare(b.name))[0];
}

/** DNS Service + its EndpointSlices + CoreDNS pods → `endpoints` evidence. */
export async function readDnsSide(access: ClusterAccess, configured: CorednsLocation, nodes: Promise<NodeFacts[] | undefined>, timeoutMs: number): Promise<Read<DnsSide>> {
  const t = startTiming();
  let loc = configured;
  const readAll = (l: CorednsLocation) =>
    Promise.all([
      read(`get service ${l.namespace}/${l.service}`, 'the cluster DNS Service (its ClusterIP)', timeoutMs, () => access.readService(l.namespace, l.service)),
      read(`list endpointslices ${l.namespace}/${l.service}`, 'the DNS Service endpoints (which CoreDNS pods receive queries)', timeoutMs, () =>
        access.listServiceEndpoints(l.namespace, l.service),
      ),
      read(`list pods ${l.namespace} -l ${l.labelSelector}`, 'the CoreDNS pods, their nodes and readiness', timeoutMs, () =>
        access.listPods(l.namespace, { labelSelector: l.labelSelector }),
      ),
    ]);
  let [svc, eps, pods] = await readAll(loc);
  // Distributions name the DNS Service differently (kubespray: coredns, RKE2: rke2-coredns-rke2-coredns):
  // when the configured name is not there, the Service of the namespace that serves port 53 is the one.
  if (!svc.ok && svc.evidence.some((e) => e.kind === 'probe-error' && /not found/i.test(e.reason))) {
    const other = await findDnsService(access, loc.namespace, timeoutMs);
    if (other) {
      loc = { ...loc, service: other.name, ...(other.selector && Object.keys(other.selector).length ? { labelSelector: Object.entries(other.selector).map(([k, v]) => `${k}=${v}`).join(',') } : {}) };
      [svc, eps, pods] = await readAll(loc);
    }
  }
  const evidence: Evidence[] = [];
  for (const r of [svc, eps, pods]) if (!r.ok) evidence.push(...r.evidence);
  const nodeList = (await nodes) ?? [];
  const zoneOfNode = (n: string | undefined) => nodeList.find((x) => x.name === n)?.zone;
  const corednsPods = pods.ok ? pods.value : [];
  const endpoints = eps.ok ? eps.value.find((e) => e.service === loc.service) : undefined;
  if (svc.ok) {
    const byIp = new Map(corednsPods.map((p) => [p.ip, p]));
    const ev: EndpointsEvidence = {
      id: '',
      kind: 'endpoints',
      from: api,
      at: t.at,
      ms: elapsed(t),
      service: svc.value,
      endpoints: (endpoints?.addresses ?? []).map((a) => {
        const pod = a.targetPod?.name ?? byIp.get(a.ip)?.name;
        const node = a.nodeName ?? byIp.get(a.ip)?.node;
        const zone = a.zone ?? zoneOfNode(node);
        return { ip: a.ip, ready: a.ready, ...(pod ? { pod } : {}), ...(node ? { node } : {}), ...(zone ? { zone } : {}) };
      }),
      corednsPods: corednsPods.map((p) => corednsPodFacts(p, zoneOfNode(p.node))),
    };
    if (!ev.endpoints.some((e) => e.ready)) {
      // No ready endpoint: the Service's selector may match no pod at all. The pods that run CoreDNS,
      // found by their image rather than by a label, show which labels they carry instead.
      const all = await read(`list pods ${loc.namespace}`, 'the pods of the DNS namespace that run CoreDNS, and their labels', timeoutMs, () => access.listPods(loc.namespace));
      if (all.ok) ev.corednsImagePods = all.value.flatMap((p) => corednsImagePod(p) ?? []);
      else evidence.push(...all.evidence);
    }
    evidence.unshift(ev);
  }
  return { ok: true, value: { ...(svc.ok ? { service: svc.value } : {}), endpoints, corednsPods }, evidence };
}

/** The `coredns` ConfigMap (+ `coredns-custom` when present) → `corefile` evidence. */
export async function readCorefile(access: ClusterAccess, loc: CorednsLocation, timeoutMs: number): Promise<Read<CorefileEvidence>> {
  const t = startTiming();
  const [main, custom] = await Promise.all([
    read(`get configmap ${loc.namespace}/${loc.configMap}`, 'the Corefile (what CoreDNS is configured to do)', timeoutMs, () =>
      access.readConfigMap(loc.namespace, loc.configMap),
    ),
    read(`get configmap ${loc.namespace}/${loc.customConfigMap}`, 'the coredns-custom ConfigMap (imported server blocks and overrides)', timeoutMs, async () => {
      try {
        return await access.readConfigMap(loc.namespace, loc.customConfigMap);
      } catch (err) {
        // Most clusters have no coredns-custom: absence is a fact, not a failure.
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    }),
  ]);
  if (!main.ok) return { ok: false, evidence: main.evidence };
  const text = main.value.data.Corefile;
  if (text === undefined) {
    return {
      ok: false,
      evidence: [probeError(`read Corefile`, 'the Corefile', new Error(`ConfigMap ${loc.namespace}/${loc.configMap} has no data.Corefile key (keys: ${Object.keys(main.value.data).join(', ') || 'none'})`), t, api)],
    };
  }
  const files = corednsFiles(main.value.data, 'Corefile', custom.ok && custom.value ? custom.value.data : undefined);
  const ev: CorefileEvidence = {
    id: '',
    kind: 'corefile',
    from: api,
    at: t.at,
    ms: elapsed(t),
    configMap: { namespace: loc.namespace, name: loc.configMap, resourceVersion: main.value.resourceVersion },
    text,
    files,
    ...(custom.ok && custom.value ? { custom: { namespace: loc.namespace, name: loc.customConfigMap, resourceVersion: custom.value.resourceVersion } } : {}),
  };
  return { ok: true, value: ev, evidence: [ev, ...(custom.ok ? [] : custom.evidence)] };
}

/** Services (all namespaces) and namespace names → `services` evidence. */
export async function readServices(access: ClusterAccess, namespaces: Promise<NamespaceInfo[] | undefined>, timeoutMs: number): Promise<Evidence[]> {
  const t = startTiming();
  const svcs = await read('list services', 'the Services the kubernetes plugin answers for', timeoutMs, () => access.listServices());
  if (!svcs.ok) return svcs.evidence;
  const ns = (await namespaces) ?? [];
  const names = ns.length ? ns.map((n) => n.name) : [...new Set(svcs.value.map((s) => s.namespace))];
  return [{ id: '', kind: 'services', from: api, at: t.at, ms: elapsed(t), services: svcs.value, namespaces: names.sort() }];
}

/** NetworkPolicies of the pod's namespace (and of CoreDNS's) with the labels selectors match on. */
export async function readNetworkPolicies(
  access: ClusterAccess,
  pod: ClusterPod,
  loc: CorednsLocation,
  namespaces: Promise<NamespaceInfo[] | undefined>,
  corednsPods: Promise<ClusterPod[]>,
  timeoutMs: number,
): Promise<Evidence[]> {
  const t = startTiming();
  const wanted = [pod.namespace, ...(loc.namespace !== pod.namespace ? [loc.namespace] : [])];
  const results = await Promise.all(
    wanted.map((ns) => read(`list networkpolicies ${ns}`, `the NetworkPolicies in ${ns} (whether DNS traffic may flow)`, timeoutMs, () => access.listNetworkPolicies(ns))),
  );
  const nsLabels: Record<string, Record<string, string>> = {};
  for (const n of (await namespaces) ?? []) nsLabels[n.name] = n.labels;
  const cdPods = await corednsPods;
  const out: Evidence[] = [];
  results.forEach((r, i) => {
    const ns = wanted[i]!;
    if (!r.ok) {
      out.push(...r.evidence);
      return;
    }
    const podLabels = ns === pod.namespace ? pod.labels : (cdPods[0]?.labels ?? {});
    const corednsPodLabels = Object.fromEntries(cdPods.map((p) => [p.name, p.labels]));
    out.push({ id: '', kind: 'network-policies', from: api, at: t.at, ms: elapsed(t), namespace: ns, policies: r.value, podLabels, namespaceLabels: nsLabels, corednsPodLabels });
  });
  return out;
}

/** The link-local address NodeLocal DNSCache listens on, from its `-localip a,b` argument. */
export function nodeLocalIpFromArgs(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--?localip(?:=(.*))?$/.exec(a);
    if (m) return (m[1] ?? args[i + 1] ?? '').split(',')[0] || undefined;
  }
  return undefined;
}

/** NodeLocal DNSCache: DaemonSet (or, if DaemonSets cannot be listed, its pods) labelled k8s-app=node-local-dns. */
export async function readNodeLocalDns(access: ClusterAccess, loc: CorednsLocation, timeoutMs: number): Promise<Evidence[]> {
  const t = startTiming();
  const selector = 'k8s-app=node-local-dns';
  const ds = await read(`list daemonsets ${loc.namespace} -l ${selector}`, 'whether NodeLocal DNSCache is installed', timeoutMs, () =>
    access.listDaemonSets(loc.namespace, { labelSelector: selector }),
  );
  let present: boolean;
  let localIp: string | undefined;
  if (ds.ok) {
    present = ds.value.length > 0;
    localIp = ds.value.map((d) => nodeLocalIpFromArgs(d.args)).find(Boolean);
  } else {
    const pods = await read(`list pods ${loc.namespace} -l ${selector}`, 'whether NodeLocal DNSCache is installed', timeoutMs, () =>
      access.listPods(loc.namespace, { labelSelector: selector }),
    );
    if (!pods.ok) return [...ds.evidence, ...pods.evidence];
    present = pods.value.length > 0;
  }
  const extra: Evidence[] = [];
  let corefile: NodeLocalDnsEvidence['corefile'];
  if (present) {
    const cm = await read(`get configmap ${loc.namespace}/${nodeLocalConfigMap}`, 'the NodeLocal DNSCache Corefile (what the node-local cache does with each name)', timeoutMs, async () => {
      try {
        return await access.readConfigMap(loc.namespace, nodeLocalConfigMap);
      } catch (err) {
        // Installs that template the Corefile into the DaemonSet have no ConfigMap: a fact, not a failure.
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    });
    if (!cm.ok) extra.push(...cm.evidence);
    else if (cm.value?.data.Corefile !== undefined) corefile = { namespace: loc.namespace, name: nodeLocalConfigMap, resourceVersion: cm.value.resourceVersion, text: cm.value.data.Corefile };
  }
  const ev: NodeLocalDnsEvidence = { id: '', kind: 'nodelocaldns', from: api, at: t.at, ms: elapsed(t), present, ...(localIp ? { localIp } : {}), ...(corefile ? { corefile } : {}) };
  return [ev, ...extra];
}
