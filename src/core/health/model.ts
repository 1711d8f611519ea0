/**
 * The DNS health summary (docs/health.md): plain data in, plain data out. Gathering
 * lives in src/probes/health; storage of the previous snapshot in src/store/health-store.ts.
 */
import type { CorednsMetrics, CorednsPod, NodeFacts } from '../model/index.js';

/** Overall verdict of a summary. */
export type HealthStatus = 'ok' | 'degraded' | 'broken';

/** Why the status is what it is (info never changes the status). */
export interface HealthReason {
  severity: 'broken' | 'degraded' | 'info';
  text: string;
}

/** One latency/loss sample: a small burst from a sample node to one DNS target. */
export interface LatencySample {
  fromNode: string;
  fromZone?: string;
  target: { ip: string; role: 'dns-service' | 'coredns-endpoint'; label: string };
  sent: number;
  ok: number;
  /** Queries without an answer (timeouts) and with an error. */
  lost: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
}

/** What a previous summary kept, to compute deltas and config drift. */
export interface HealthSnapshot {
  at: string;
  /** CoreDNS counters per replica pod name. */
  metrics: Record<string, CorednsMetrics>;
  /** Restart counts per replica pod name. */
  restarts: Record<string, number>;
  corefileHash?: string;
  corefileText?: string;
}

/** Everything buildHealthSummary needs, as gathered (see src/probes/health/gather-health.ts). */
export interface HealthInput {
  cluster: string;
  /** ISO time of the gathering. */
  at: string;
  replicas: CorednsPod[];
  nodes: NodeFacts[];
  /** Running pods per zone (all namespaces; CoreDNS excluded): which zones have workloads. */
  podsPerZone?: Record<string, number>;
  dnsService?: { ip: string; endpoints: { ip: string; ready: boolean; pod?: string }[] };
  latency: LatencySample[];
  /** CoreDNS counters per replica (missing replicas had no readable metrics). */
  metrics: Record<string, CorednsMetrics>;
  corefile?: { text: string; hash: string };
  previous?: HealthSnapshot;
  /** What could not be learned (failed reads, probe errors). */
  notes: string[];
}

export interface ReplicaHealth {
  name: string;
  node: string;
  zone?: string;
  ready: boolean;
  phase: string;
  restarts: number;
  /** Restarts since the previous summary (undefined without one). */
  newRestarts?: number;
  waitingReason?: string;
  /** sha512 of the Corefile this replica loaded (from coredns_reload_version_info). */
  loadedHash?: string;
}

export interface ZoneSpread {
  zone: string;
  replicas: number;
  readyReplicas: number;
  nodes: number;
  pods: number;
}

/** Traffic ratios over a window. */
export interface TrafficHealth {
  /** 'since-previous' when a previous snapshot gave deltas; 'since-start' = counters since each replica started. */
  window: 'since-previous' | 'since-start';
  since?: string;
  requests: number;
  responses: number;
  nxdomainRatio: number | null;
  servfailRatio: number | null;
  cacheHitRate: number | null;
}

export interface UpstreamHealth {
  to: string;
  requests: number;
  responsesByRcode: Record<string, number>;
  /** Responses other than NOERROR/NXDOMAIN (SERVFAIL, REFUSED…). */
  errors: number;
  healthcheckFailures: number;
}

export interface ConfigDrift {
  hash?: string;
  /** true when the Corefile hash differs from the previous summary's. */
  changed: boolean;
  previousAt?: string;
  /** A short unified diff (previous → current) when both texts are known. */
  diff?: string;
  diffTruncated?: boolean;
  /** Replicas whose loaded config hash differs from the ConfigMap's. */
  staleReplicas: string[];
}

export interface LatencyMatrix {
  /** Column labels (the Service first, then each endpoint). */
  targets: string[];
  rows: { fromNode: string; fromZone?: string; cells: ({ lossPct: number; p50Ms: number; p90Ms: number; sent: number } | null)[] }[];
}

/** The summary the CLI prints and Slack posts. */
export interface HealthSummary {
  cluster: string;
  at: string;
  status: HealthStatus;
  reasons: HealthReason[];
  replicas: { total: number; ready: number; list: ReplicaHealth[] };
  spread: { zones: ZoneSpread[]; nodes: { node: string; replicas: number }[]; singleZone: boolean; zonesWithoutReplica: string[] };
  latency: LatencyMatrix;
  traffic: TrafficHealth;
  upstreams: UpstreamHealth[];
  config: ConfigDrift;
  notes: string[];
}
