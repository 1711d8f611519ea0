/**
 * Reads a cluster's DNS health now (DESIGN.md §1 `/dns health`): the DNS Service and its endpoints,
 * the CoreDNS replicas with restarts and zones, and per-replica request/NXDOMAIN/SERVFAIL/cache
 * ratios from their metrics through the API server's pods/proxy. Unreadable parts are problems,
 * never silent gaps.
 */
import type { ClusterAccess } from '../src/core/cluster-access.js';
import { defaultCorednsLocation, readDnsSide, readNodes } from '../src/probes/gather/cluster-reads.js';
import { parseCorednsMetrics } from '../src/probes/gather/prometheus-metrics.js';
import type { HealthSummary } from '../src/queue/job-data.js';

const timeoutMs = 10_000;

/** Builds the health summary of one cluster. */
export async function readHealth(access: ClusterAccess, cluster: string): Promise<HealthSummary> {
  const loc = defaultCorednsLocation;
  const problems: string[] = [];
  const nodes = await readNodes(access, timeoutMs);
  const side = await readDnsSide(access, loc, Promise.resolve(nodes.ok ? nodes.value : undefined), timeoutMs);
  for (const e of [...nodes.evidence, ...side.evidence]) if (e.kind === 'probe-error') problems.push(`could not ${e.what}: ${e.reason}`);
  const zoneOf = (node: string) => (nodes.ok ? nodes.value.find((n) => n.name === node)?.zone : undefined);
  const dns = side.ok ? side.value : { corednsPods: [], endpoints: undefined };
  const replicas: HealthSummary['replicas'] = [];
  for (const p of dns.corednsPods) {
    const zone = zoneOf(p.node);
    const r: HealthSummary['replicas'][number] = { name: p.name, node: p.node, ...(zone ? { zone } : {}), ready: p.ready, restarts: p.restarts, ...(p.waitingReason ? { waitingReason: p.waitingReason } : {}) };
    try {
      const m = parseCorednsMetrics(await access.podProxyGet(p.namespace, p.name, loc.metricsPort, 'metrics'));
      const responses = Object.values(m.responsesByRcode).reduce((a, b) => a + b, 0);
      r.requests = m.requests;
      if (responses > 0) {
        r.nxdomainRatio = (m.responsesByRcode.NXDOMAIN ?? 0) / responses;
        r.servfailRatio = (m.responsesByRcode.SERVFAIL ?? 0) / responses;
      }
      if (m.cacheHits + m.cacheMisses > 0) r.cacheHitRatio = m.cacheHits / (m.cacheHits + m.cacheMisses);
    } catch (err) {
      problems.push(`metrics of ${p.name} unreadable: ${(err as Error).message}`);
    }
    if (!p.ready) problems.push(`${p.name} is not ready${p.waitingReason ? ` (${p.waitingReason})` : ''}`);
    if (p.restarts > 0) problems.push(`${p.name} restarted ${p.restarts} time${p.restarts === 1 ? '' : 's'}`);
    if ((r.servfailRatio ?? 0) > 0.05) problems.push(`${p.name} answers ${((r.servfailRatio ?? 0) * 100).toFixed(1)}% SERVFAIL`);
    replicas.push(r);
  }
  const zones: Record<string, number> = {};
  for (const r of replicas) zones[r.zone ?? 'unknown'] = (zones[r.zone ?? 'unknown'] ?? 0) + 1;
  if (replicas.length === 0) problems.push(`no CoreDNS pod found (${loc.namespace}, ${loc.labelSelector})`);
  else if (replicas.length === 1) problems.push('only one CoreDNS replica: a restart or a node loss stops DNS');
  const nodeZones = new Set(nodes.ok ? nodes.value.map((n) => n.zone).filter(Boolean) : []);
  if (nodeZones.size > 1 && Object.keys(zones).length === 1) problems.push(`every CoreDNS replica is in zone ${Object.keys(zones)[0]} while nodes span ${nodeZones.size} zones`);
  const addresses = dns.endpoints?.addresses ?? [];
  const ready = addresses.filter((a) => a.ready).length;
  if (addresses.length > 0 && ready === 0) problems.push('the DNS Service has no ready endpoint');
  const svc = side.ok ? side.value.service : undefined;
  return {
    cluster,
    at: new Date().toISOString(),
    ...(svc ? { dnsService: { namespace: svc.namespace, name: svc.name, ...(svc.clusterIP ? { ip: svc.clusterIP } : {}) } } : {}),
    endpoints: { ready, total: addresses.length },
    replicas,
    zones,
    problems,
  };
}
