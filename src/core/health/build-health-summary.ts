/**
 * buildHealthSummary: from gathered plain data to a HealthSummary with an overall status and the
 * reasons for it. Pure; the thresholds below are the judgement, named so tests and readers see them.
 */
import type { CorednsMetrics } from '../model/index.js';
import { configDrift } from './config-drift.js';
import { metricsDelta, sumMetrics } from './metrics-delta.js';
import type { HealthInput, HealthReason, HealthStatus, HealthSummary, LatencyMatrix, ReplicaHealth, TrafficHealth, UpstreamHealth, ZoneSpread } from './model.js';

/** Judgement thresholds. */
export const healthThresholds = {
  /** Loss (percent) on any target above this is degraded. */
  lossPct: 1,
  /** Loss (percent) to the Service from every sample node at or above this is broken. */
  brokenLossPct: 50,
  /** p90 latency (ms) above this is degraded. */
  p90Ms: 200,
  /** SERVFAIL share of responses above this is degraded (with at least minResponses). */
  servfailRatio: 0.01,
  /** Upstream error share above this is degraded (with at least minResponses). */
  upstreamErrorRatio: 0.05,
  minResponses: 20,
} as const;

const noZone = '(no zone)';

function pct(n: number): string {
  return `${(n * 100).toFixed(n < 0.1 ? 1 : 0)}%`;
}

function replicaList(input: HealthInput): ReplicaHealth[] {
  return input.replicas
    .map((r): ReplicaHealth => {
      const prev = input.previous?.restarts[r.name];
      const loaded = input.metrics[r.name]?.reloadHash;
      return {
        name: r.name,
        node: r.node,
        ...(r.zone !== undefined ? { zone: r.zone } : {}),
        ready: r.ready,
        phase: r.phase,
        restarts: r.restarts,
        ...(input.previous ? { newRestarts: prev === undefined ? 0 : Math.max(0, r.restarts - prev) } : {}),
        ...(r.waitingReason ? { waitingReason: r.waitingReason } : {}),
        ...(loaded ? { loadedHash: loaded } : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function spreadOf(input: HealthInput, replicas: ReplicaHealth[]): HealthSummary['spread'] {
  const zones = new Map<string, ZoneSpread>();
  const zone = (z: string | undefined): ZoneSpread => {
    const key = z ?? noZone;
    let s = zones.get(key);
    if (!s) zones.set(key, (s = { zone: key, replicas: 0, readyReplicas: 0, nodes: 0, pods: 0 }));
    return s;
  };
  for (const n of input.nodes) zone(n.zone).nodes++;
  for (const [z, count] of Object.entries(input.podsPerZone ?? {})) zone(z === noZone ? undefined : z).pods += count;
  for (const r of replicas) {
    const s = zone(r.zone);
    s.replicas++;
    if (r.ready) s.readyReplicas++;
  }
  const list = [...zones.values()].sort((a, b) => a.zone.localeCompare(b.zone));
  const byNode = new Map<string, number>();
  for (const r of replicas) byNode.set(r.node, (byNode.get(r.node) ?? 0) + 1);
  const replicaZones = list.filter((z) => z.replicas > 0);
  const realZones = list.filter((z) => z.zone !== noZone);
  return {
    zones: list,
    nodes: [...byNode.entries()].map(([node, n]) => ({ node, replicas: n })).sort((a, b) => a.node.localeCompare(b.node)),
    singleZone: replicas.length > 0 && replicaZones.length === 1 && realZones.length > 1,
    zonesWithoutReplica: list.filter((z) => z.zone !== noZone && z.pods > 0 && z.replicas === 0).map((z) => z.zone),
  };
}

function latencyMatrix(input: HealthInput): LatencyMatrix {
  const targets: string[] = [];
  const service = input.latency.filter((s) => s.target.role === 'dns-service');
  for (const s of [...service, ...input.latency.filter((x) => x.target.role !== 'dns-service')]) if (!targets.includes(s.target.label)) targets.push(s.target.label);
  const nodes = [...new Set(input.latency.map((s) => s.fromNode))].sort();
  return {
    targets,
    rows: nodes.map((fromNode) => {
      const own = input.latency.filter((s) => s.fromNode === fromNode);
      const fromZone = own.find((s) => s.fromZone !== undefined)?.fromZone;
      return {
        fromNode,
        ...(fromZone !== undefined ? { fromZone } : {}),
        cells: targets.map((t) => {
          const s = own.find((x) => x.target.label === t);
          if (!s) return null;
          return { lossPct: s.sent > 0 ? (100 * s.lost) / s.sent : 0, p50Ms: s.p50Ms, p90Ms: s.p90Ms, sent: s.sent };
        }),
      };
    }),
  };
}

function window(input: HealthInput): CorednsMetrics {
  return sumMetrics(Object.entries(input.metrics).map(([pod, m]) => metricsDelta(m, input.previous?.metrics[pod])));
}

function trafficOf(input: HealthInput, w: CorednsMetrics): TrafficHealth {
  const responses = Object.values(w.responsesByRcode).reduce((a, b) => a + b, 0);
  const cacheLookups = w.cacheHits + w.cacheMisses;
  return {
    window: input.previous ? 'since-previous' : 'since-start',
    ...(input.previous ? { since: input.previous.at } : {}),
    requests: w.requests,
    responses,
    nxdomainRatio: responses > 0 ? (w.responsesByRcode.NXDOMAIN ?? 0) / responses : null,
    servfailRatio: responses > 0 ? (w.responsesByRcode.SERVFAIL ?? 0) / responses : null,
    cacheHitRate: cacheLookups > 0 ? w.cacheHits / cacheLookups : null,
  };
}

function upstreamsOf(w: CorednsMetrics): UpstreamHealth[] {
  const names = new Set([...Object.keys(w.forwardRequests), ...Object.keys(w.forwardResponsesByRcode), ...Object.keys(w.healthcheckFailures)]);
  return [...names].sort().map((to) => {
    const rc = w.forwardResponsesByRcode[to] ?? {};
    const errors = Object.entries(rc)
      .filter(([code]) => code !== 'NOERROR' && code !== 'NXDOMAIN')
      .reduce((a, [, n]) => a + n, 0);
    return { to, requests: w.forwardRequests[to] ?? 0, responsesByRcode: rc, errors, healthcheckFailures: w.healthcheckFailures[to] ?? 0 };
  });
}

function judge(s: Omit<HealthSummary, 'status' | 'reasons'>, input: HealthInput): HealthReason[] {
  const t = healthThresholds;
  const out: HealthReason[] = [];
  const { total, ready, list } = s.replicas;
  if (total === 0) out.push({ severity: 'broken', text: 'no CoreDNS replica found' });
  else if (ready === 0) out.push({ severity: 'broken', text: `no CoreDNS replica is ready (0/${total})` });
  else if (ready < total) out.push({ severity: 'degraded', text: `${ready}/${total} CoreDNS replicas ready` });
  for (const r of list) {
    if (!r.ready) out.push({ severity: 'degraded', text: `${r.name} is not ready${r.waitingReason ? ` (${r.waitingReason})` : ` (${r.phase})`}` });
    if (r.newRestarts !== undefined && r.newRestarts > 0) out.push({ severity: 'degraded', text: `${r.name} restarted ${r.newRestarts} time(s) since the previous summary` });
    else if (r.newRestarts === undefined && r.restarts > 0) out.push({ severity: 'info', text: `${r.name} has restarted ${r.restarts} time(s) since it was created` });
  }
  if (s.spread.singleZone) {
    const z = s.spread.zones.find((x) => x.replicas > 0)!.zone;
    out.push({ severity: 'degraded', text: `all ${total} CoreDNS replicas run in zone ${z}: losing that zone (or the path to it) loses cluster DNS` });
  }
  if (s.spread.zonesWithoutReplica.length > 0) {
    out.push({ severity: 'degraded', text: `zone(s) with pods but no CoreDNS replica: ${s.spread.zonesWithoutReplica.join(', ')} (their queries cross zones)` });
  }
  if (total > 1 && s.spread.nodes.length === 1) out.push({ severity: 'degraded', text: `all CoreDNS replicas run on one node (${s.spread.nodes[0]!.node})` });

  const serviceCells = s.latency.rows.map((r) => r.cells[0]).filter((c): c is NonNullable<typeof c> => c != null);
  const serviceLabel = s.latency.targets[0];
  const serviceIsFirst = input.latency.some((x) => x.target.role === 'dns-service' && x.target.label === serviceLabel);
  if (serviceIsFirst && serviceCells.length > 0 && serviceCells.every((c) => c.lossPct >= t.brokenLossPct)) {
    out.push({ severity: 'broken', text: `the DNS Service loses ${Math.round(Math.min(...serviceCells.map((c) => c.lossPct)))}% or more of queries from every sample node` });
  }
  for (const row of s.latency.rows) {
    row.cells.forEach((c, i) => {
      if (!c) return;
      const target = s.latency.targets[i]!;
      if (c.lossPct > t.lossPct) out.push({ severity: 'degraded', text: `${c.lossPct.toFixed(0)}% loss from ${row.fromNode} to ${target}` });
      else if (c.p90Ms > t.p90Ms) out.push({ severity: 'degraded', text: `p90 latency ${Math.round(c.p90Ms)} ms from ${row.fromNode} to ${target}` });
    });
  }

  const tr = s.traffic;
  if (tr.servfailRatio !== null && tr.responses >= t.minResponses && tr.servfailRatio > t.servfailRatio) {
    out.push({ severity: 'degraded', text: `SERVFAIL on ${pct(tr.servfailRatio)} of responses` });
  }
  for (const u of s.upstreams) {
    if (u.healthcheckFailures > 0) out.push({ severity: 'degraded', text: `upstream ${u.to} failed ${u.healthcheckFailures} health check(s)` });
    const answered = Object.values(u.responsesByRcode).reduce((a, b) => a + b, 0);
    if (answered >= t.minResponses && u.errors / answered > t.upstreamErrorRatio) out.push({ severity: 'degraded', text: `upstream ${u.to} answered ${pct(u.errors / answered)} with errors (SERVFAIL/REFUSED)` });
  }
  if (s.config.staleReplicas.length > 0) out.push({ severity: 'degraded', text: `${s.config.staleReplicas.join(', ')} still run(s) an older Corefile than the ConfigMap` });
  if (s.config.changed) out.push({ severity: 'info', text: `the Corefile changed since the previous summary (${s.config.previousAt})` });
  return out;
}

function statusOf(reasons: HealthReason[]): HealthStatus {
  if (reasons.some((r) => r.severity === 'broken')) return 'broken';
  if (reasons.some((r) => r.severity === 'degraded')) return 'degraded';
  return 'ok';
}

/**
 * Builds the summary.
 * @param input - gathered data; `previous` turns counters into deltas and enables drift
 */
export function buildHealthSummary(input: HealthInput): HealthSummary {
  const list = replicaList(input);
  const w = window(input);
  const loaded: Record<string, string | undefined> = {};
  for (const r of list) loaded[r.name] = r.loadedHash;
  const partial: Omit<HealthSummary, 'status' | 'reasons'> = {
    cluster: input.cluster,
    at: input.at,
    replicas: { total: list.length, ready: list.filter((r) => r.ready).length, list },
    spread: spreadOf(input, list),
    latency: latencyMatrix(input),
    traffic: trafficOf(input, w),
    upstreams: upstreamsOf(w),
    config: configDrift(input.corefile, input.previous, loaded),
    notes: [...input.notes],
  };
  const reasons = judge(partial, input);
  return { ...partial, status: statusOf(reasons), reasons };
}

/** The snapshot to keep for the next summary (deltas and drift). */
export function snapshotOf(input: HealthInput): import('./model.js').HealthSnapshot {
  const restarts: Record<string, number> = {};
  for (const r of input.replicas) restarts[r.name] = r.restarts;
  return {
    at: input.at,
    metrics: input.metrics,
    restarts,
    ...(input.corefile ? { corefileHash: input.corefile.hash, corefileText: input.corefile.text } : {}),
  };
}
