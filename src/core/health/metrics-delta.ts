/**
 * CoreDNS counters over a window: the difference between two snapshots of one replica, and the sum
 * over replicas. A counter that went down means the replica restarted (counters reset), so the
 * current value is the delta, as Prometheus' increase() does.
 */
import type { CorednsMetrics } from '../model/index.js';

function emptyMetrics(): CorednsMetrics {
  return { requests: 0, responsesByRcode: {}, cacheHits: 0, cacheMisses: 0, forwardRequests: {}, forwardResponsesByRcode: {}, healthcheckFailures: {} };
}

function sub(cur: number, prev: number | undefined): number {
  if (prev === undefined || cur < prev) return cur;
  return cur - prev;
}

function subRecord(cur: Record<string, number>, prev: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(cur)) out[k] = sub(v, prev?.[k]);
  return out;
}

/** True when any counter of `cur` is below the same counter of `prev` (the replica restarted). */
function wasReset(cur: CorednsMetrics, prev: CorednsMetrics): boolean {
  if (cur.requests < prev.requests || cur.cacheHits < prev.cacheHits || cur.cacheMisses < prev.cacheMisses) return true;
  return Object.entries(prev.responsesByRcode).some(([k, v]) => (cur.responsesByRcode[k] ?? 0) < v);
}

/** Counters of one replica over the window since `prev` (undefined prev = since the replica started). */
export function metricsDelta(cur: CorednsMetrics, prev: CorednsMetrics | undefined): CorednsMetrics {
  if (!prev || wasReset(cur, prev)) return cur;
  const fwd: Record<string, Record<string, number>> = {};
  for (const [to, rc] of Object.entries(cur.forwardResponsesByRcode)) fwd[to] = subRecord(rc, prev.forwardResponsesByRcode[to]);
  return {
    requests: sub(cur.requests, prev.requests),
    responsesByRcode: subRecord(cur.responsesByRcode, prev.responsesByRcode),
    cacheHits: sub(cur.cacheHits, prev.cacheHits),
    cacheMisses: sub(cur.cacheMisses, prev.cacheMisses),
    forwardRequests: subRecord(cur.forwardRequests, prev.forwardRequests),
    forwardResponsesByRcode: fwd,
    healthcheckFailures: subRecord(cur.healthcheckFailures, prev.healthcheckFailures),
    ...(cur.reloadHash !== undefined ? { reloadHash: cur.reloadHash } : {}),
    ...(cur.panics !== undefined ? { panics: sub(cur.panics, prev.panics) } : {}),
  };
}

function addRecord(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Sum of several replicas' counters. */
export function sumMetrics(list: CorednsMetrics[]): CorednsMetrics {
  const out = emptyMetrics();
  for (const m of list) {
    out.requests += m.requests;
    out.cacheHits += m.cacheHits;
    out.cacheMisses += m.cacheMisses;
    addRecord(out.responsesByRcode, m.responsesByRcode);
    addRecord(out.forwardRequests, m.forwardRequests);
    addRecord(out.healthcheckFailures, m.healthcheckFailures);
    for (const [to, rc] of Object.entries(m.forwardResponsesByRcode)) addRecord((out.forwardResponsesByRcode[to] ??= {}), rc);
    if (m.panics !== undefined) out.panics = (out.panics ?? 0) + m.panics;
  }
  return out;
}
