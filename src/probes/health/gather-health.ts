/**
 * gatherHealth: what a DNS health summary needs, read through ClusterAccess (list calls in
 * parallel, short deadlines) plus a small latency/loss sample: from one node per zone, a twin-mode
 * probe pod per DNS target (the Service and each CoreDNS replica) runs a short burst. Probe pods are
 * always deleted (runProbePod). Every failure becomes a note; this never throws for a cluster problem.
 */
import { createHash } from 'node:crypto';
import { probePodImage, type ClusterAccess, type ClusterPod, type ProbeImage, type ProbePodSpec } from '../../core/cluster-access.js';
import type { HealthInput, HealthSnapshot, LatencySample } from '../../core/health/index.js';
import type { BurstEvidence, CorednsMetrics, Evidence, EvidenceOrigin, NodeFacts } from '../../core/model/index.js';
import { defaultCorednsLocation, type CorednsLocation } from '../../core/model/coredns-location.js';
import { corednsPodFacts, readCorefile, readDnsSide, readNodes } from '../gather/cluster-reads.js';
import { defaultProbeImage, probeCommand, probeName, probePodLabels, runProbePod } from '../gather/probe-pods.js';
import { parseCorednsMetrics } from '../../core/metrics/prometheus-metrics.js';
import { reasonOf, withTimeout } from '../gather/run-step.js';
import { pickSampleNodes } from './sample-nodes.js';

export interface GatherHealthOptions {
  /** Cluster name shown in the summary. */
  cluster: string;
  previous?: HealthSnapshot;
  coredns?: Partial<CorednsLocation>;
  /** At most this many sample nodes (one per zone; default 3). */
  sampleNodes?: number;
  /** At most this many CoreDNS replicas are probed directly (default 6). */
  maxEndpoints?: number;
  /** Burst per target (default 20 queries, 5 at a time). count 0 skips the latency sample. */
  burst?: { count: number; concurrency: number };
  /** Namespace of the probe pods (default "default"). */
  probeNamespace?: string;
  /** Probe image, pull policy and pull secrets (default: defaultProbeImage). */
  probeImage?: ProbeImage;
  timeouts?: { readMs?: number; podScanMs?: number; metricsMs?: number; probeMs?: number };
  pollMs?: number;
  /** Clock (ISO time of the summary). */
  now?: () => Date;
}

/** The cluster domain from the Corefile's kubernetes plugin (first zone that is not a reverse zone). */
export function clusterDomainOf(corefile: string | undefined): string {
  const m = /^\s*kubernetes\s+([^{\n]+)/m.exec(corefile ?? '');
  const zone = m?.[1]?.trim().split(/\s+/).find((z) => !z.endsWith('arpa') && !z.endsWith('arpa.'));
  return (zone ?? 'cluster.local').replace(/\.$/, '');
}

/** sha512 of the Corefile text: what CoreDNS exports as coredns_reload_version_info{value}. */
export function corefileHash(text: string): string {
  return createHash('sha512').update(text).digest('hex');
}

function note(step: string, err: unknown): string {
  return `${step}: ${reasonOf(err).reason}`;
}

function notesOf(evidence: Evidence[]): string[] {
  return evidence.filter((e) => e.kind === 'probe-error').map((e) => `${e.probe}: ${e.reason}`);
}

interface Target {
  ip: string;
  role: 'dns-service' | 'coredns-endpoint';
  label: string;
}

async function sampleLatency(access: ClusterAccess, node: NodeFacts, target: Target, qname: string, o: GatherHealthOptions, timeoutMs: number): Promise<{ sample?: LatencySample; notes: string[] }> {
  const namespace = o.probeNamespace ?? 'default';
  const name = probeName('dnswhy-health');
  const burst = o.burst ?? { count: 20, concurrency: 5 };
  const command = probeCommand({
    mode: 'twin',
    name: qname,
    port: 53,
    dnsServiceIp: target.ip,
    endpoints: [],
    tcpPorts: [53],
    burst,
    node: node.name,
    ...(node.zone ? { zone: node.zone } : {}),
    origin: { namespace, name, node: node.name, twinOf: `health of ${target.label}` },
  });
  const pod: ProbePodSpec = {
    namespace,
    name,
    labels: { ...probePodLabels, 'dnswhy.io/role': 'health' },
    ...probePodImage(o.probeImage ?? { image: defaultProbeImage }),
    command,
    nodeName: node.name,
    dnsPolicy: 'ClusterFirst',
    activeDeadlineSeconds: Math.ceil(timeoutMs / 1000) + 30,
  };
  const origin = (ip: string | undefined): EvidenceOrigin => ({ kind: 'probe-pod', namespace, name, ...(ip ? { ip } : {}), node: node.name, twinOf: '' });
  const evidence = await runProbePod(access, { label: `health probe on ${node.name} → ${target.label}`, what: `latency and loss from ${node.name} to ${target.label}`, pod, origin, timeoutMs, ...(o.pollMs ? { pollMs: o.pollMs } : {}) });
  const b = evidence.find((e): e is BurstEvidence => e.kind === 'burst');
  const notes = notesOf(evidence).filter((n) => !n.startsWith('tcp connect'));
  if (!b) return { notes: notes.length ? notes : [`health probe on ${node.name} → ${target.label}: no burst result`] };
  return {
    sample: {
      fromNode: node.name,
      ...(node.zone ? { fromZone: node.zone } : {}),
      target: { ip: target.ip, role: target.role, label: target.label },
      sent: b.count,
      ok: b.ok,
      lost: b.timeouts,
      p50Ms: b.p50Ms,
      p90Ms: b.p90Ms,
      maxMs: b.maxMs,
    },
    notes: [],
  };
}

async function readMetrics(access: ClusterAccess, pods: ClusterPod[], loc: CorednsLocation, timeoutMs: number): Promise<{ metrics: Record<string, CorednsMetrics>; notes: string[] }> {
  const metrics: Record<string, CorednsMetrics> = {};
  const notes: string[] = [];
  await Promise.all(
    pods
      .filter((p) => p.phase === 'Running')
      .map(async (p) => {
        try {
          metrics[p.name] = parseCorednsMetrics(await withTimeout(`metrics ${p.name}`, timeoutMs, access.podProxyGet(p.namespace, p.name, loc.metricsPort, 'metrics')));
        } catch (err) {
          notes.push(note(`metrics of ${p.name}`, err));
        }
      }),
  );
  return { metrics, notes: notes.sort() };
}

/**
 * Pods per list page: the API server's own default chunk (kubectl's too), so the health process
 * holds about 500 pods at a time whatever the cluster's size.
 */
const podScanPageSize = 500;

/**
 * Running pods with a node, as namespace/name → node, read page by page with only what the
 * summary keeps (a 30,000-pod list read whole is about 150 MB of JSON and several times that
 * parsed; its Table with metadata only, a quarter of that). The phase is left to the field
 * selector; dnswhy's own probe pods are left out by the label selector.
 */
async function countWorkloadPods(access: ClusterAccess, pageSize: number): Promise<Map<string, string>> {
  const nodeOf = new Map<string, string>();
  const notProbe = `app.kubernetes.io/name!=${probePodLabels['app.kubernetes.io/name']}`;
  await access.scanPodNodes({ pageSize, fieldSelector: 'status.phase=Running', labelSelector: notProbe }, (page) => {
    for (const p of page) if (p.node) nodeOf.set(`${p.namespace}/${p.name}`, p.node);
  });
  return nodeOf;
}

/**
 * Gathers a HealthInput.
 * @param access - the cluster (or the lab's API)
 */
export async function gatherHealth(access: ClusterAccess, o: GatherHealthOptions): Promise<HealthInput> {
  const at = (o.now ?? (() => new Date()))().toISOString();
  const loc: CorednsLocation = { ...defaultCorednsLocation, ...o.coredns };
  const readMs = o.timeouts?.readMs ?? 5000;
  // The pod scan is one request per 500 pods: a 30,000-pod cluster takes 60 of them, so its deadline
  // grows with the pages instead of the single read's.
  const podScanMs = o.timeouts?.podScanMs ?? 30_000;
  const notes: string[] = [];

  const nodesP = readNodes(access, readMs);
  const nodeList = nodesP.then((r) => (r.ok ? r.value : undefined));
  const [nodesR, dnsR, corefileR, podsR] = await Promise.all([
    nodesP,
    readDnsSide(access, loc, nodeList, readMs),
    readCorefile(access, loc, readMs),
    withTimeout('list pods', podScanMs, countWorkloadPods(access, podScanPageSize)).then(
      (v) => ({ ok: true as const, v }),
      (err: unknown) => ({ ok: false as const, err }),
    ),
  ]);
  const nodes = nodesR.ok ? nodesR.value : [];
  notes.push(...notesOf(nodesR.evidence), ...notesOf(dnsR.evidence), ...notesOf(corefileR.evidence));
  const dns = dnsR.ok ? dnsR.value : undefined;
  const corednsPods = dns?.corednsPods ?? [];
  const zoneOf = new Map(nodes.map((n) => [n.name, n.zone]));

  // Which zones and nodes run workloads (CoreDNS and dnswhy's own probe pods do not count).
  const podsPerZone: Record<string, number> = {};
  const podsPerNode: Record<string, number> = {};
  if (podsR.ok) {
    const replicaKeys = new Set(corednsPods.map((p) => `${p.namespace}/${p.name}`));
    for (const [key, node] of podsR.v) {
      if (replicaKeys.has(key)) continue;
      podsPerNode[node] = (podsPerNode[node] ?? 0) + 1;
      const z = zoneOf.get(node) ?? '(no zone)';
      podsPerZone[z] = (podsPerZone[z] ?? 0) + 1;
    }
  } else notes.push(note('list pods (all namespaces)', podsR.err));

  const corefileText = corefileR.ok ? corefileR.value.text : undefined;
  const serviceIp = dns?.service?.clusterIP && dns.service.clusterIP !== 'None' ? dns.service.clusterIP : undefined;

  const burstCount = o.burst?.count ?? 20;
  const targets: Target[] = [
    ...(serviceIp ? [{ ip: serviceIp, role: 'dns-service' as const, label: loc.service }] : []),
    ...corednsPods
      .filter((p) => p.ip)
      .slice(0, o.maxEndpoints ?? 6)
      .map((p) => ({ ip: p.ip, role: 'coredns-endpoint' as const, label: p.name })),
  ];
  const sampleNodes = burstCount > 0 ? pickSampleNodes(nodes, podsPerNode, o.sampleNodes ?? 3) : [];
  const qname = `${loc.service}.${loc.namespace}.svc.${clusterDomainOf(corefileText)}.`;
  const probeMs = o.timeouts?.probeMs ?? 15000;
  const latencyP = Promise.all(sampleNodes.flatMap((n) => targets.map((t) => sampleLatency(access, n, t, qname, o, probeMs))));

  // Metrics are read after the sample so the counters include it (in a quiet cluster or the lab,
  // the sample is the only traffic; in a busy one it is noise).
  const lat = await latencyP;
  const m = await readMetrics(access, corednsPods, loc, o.timeouts?.metricsMs ?? 4000);
  notes.push(...m.notes);
  const latency: LatencySample[] = [];
  for (const r of lat) {
    if (r.sample) latency.push(r.sample);
    notes.push(...r.notes);
  }
  if (burstCount > 0 && targets.length === 0) notes.push('latency sample: no DNS Service IP and no CoreDNS pod IP to probe');

  const endpoints = (dns?.endpoints?.addresses ?? []).map((a) => ({ ip: a.ip, ready: a.ready, ...(a.targetPod ? { pod: a.targetPod.name } : {}) }));
  return {
    cluster: o.cluster,
    at,
    replicas: corednsPods.map((p) => corednsPodFacts(p, zoneOf.get(p.node))),
    nodes,
    podsPerZone,
    ...(serviceIp ? { dnsService: { ip: serviceIp, endpoints } } : {}),
    latency,
    metrics: m.metrics,
    ...(corefileText !== undefined ? { corefile: { text: corefileText, hash: corefileHash(corefileText) } } : {}),
    ...(o.previous ? { previous: o.previous } : {}),
    notes,
  };
}
