/**
 * A small parser for the Prometheus text exposition format, and the CoreDNS counters dnswhy uses
 * (requests, rcodes, cache, forward, health checks, reload hash). Lines that do not parse are
 * skipped: metrics are supporting evidence, never a reason to fail.
 */
import type { CorednsMetrics } from '../model/index.js';

/** One sample: metric name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const lineRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/;
const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;

function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/** Parse Prometheus text format 0.0.4 into samples (comments and malformed lines skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = lineRe.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[3]) for (const l of m[3].matchAll(labelRe)) labels[l[1]!] = unescape(l[2]!);
    const value = parseValue(m[4]!);
    if (Number.isNaN(value)) continue;
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

function add(rec: Record<string, number>, key: string, v: number): void {
  rec[key] = (rec[key] ?? 0) + v;
}

/** The CoreDNS counters dnswhy reads (names as in CoreDNS ≥1.7; older names are accepted too). */
export function corednsMetricsFrom(samples: Sample[]): CorednsMetrics {
  const m: CorednsMetrics = {
    requests: 0,
    responsesByRcode: {},
    cacheHits: 0,
    cacheMisses: 0,
    forwardRequests: {},
    forwardResponsesByRcode: {},
    healthcheckFailures: {},
  };
  let cacheRequests: number | undefined;
  for (const s of samples) {
    switch (s.name) {
      case 'coredns_dns_requests_total':
      case 'coredns_dns_request_count_total':
        m.requests += s.value;
        break;
      case 'coredns_dns_responses_total':
      case 'coredns_dns_response_rcode_count_total':
        add(m.responsesByRcode, s.labels.rcode ?? 'unknown', s.value);
        break;
      case 'coredns_cache_hits_total':
        m.cacheHits += s.value;
        break;
      case 'coredns_cache_misses_total':
        m.cacheMisses += s.value;
        break;
      case 'coredns_cache_requests_total':
        // CoreDNS 1.11+ counts all cache lookups; misses = requests - hits (derived below).
        cacheRequests = (cacheRequests ?? 0) + s.value;
        break;
      case 'coredns_forward_requests_total':
      case 'coredns_proxy_request_count_total':
        add(m.forwardRequests, s.labels.to ?? 'unknown', s.value);
        break;
      case 'coredns_forward_responses_total': {
        const to = s.labels.to ?? 'unknown';
        m.forwardResponsesByRcode[to] ??= {};
        add(m.forwardResponsesByRcode[to], s.labels.rcode ?? 'unknown', s.value);
        break;
      }
      case 'coredns_forward_healthcheck_failures_total':
      case 'coredns_forward_healthcheck_broken_total':
        add(m.healthcheckFailures, s.labels.to ?? 'all', s.value);
        break;
      case 'coredns_reload_version_info':
        // CoreDNS labels it {hash="sha512", value="<hex digest>"}: the digest is in `value`.
        if (s.labels.value) m.reloadHash = s.labels.value;
        break;
      case 'coredns_panics_total':
      case 'coredns_panic_count_total':
        m.panics = (m.panics ?? 0) + s.value;
        break;
      default:
        break;
    }
  }
  if (cacheRequests !== undefined && m.cacheMisses === 0) m.cacheMisses = Math.max(0, cacheRequests - m.cacheHits);
  return m;
}

/** Text → CorednsMetrics in one step. */
export function parseCorednsMetrics(text: string): CorednsMetrics {
  return corednsMetricsFrom(parsePrometheusText(text));
}
