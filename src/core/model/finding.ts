/** Findings and fixes: what checks conclude from evidence. */
import type { DnsRecord, Rcode, RecordType } from './dns.js';
import type { WorkloadKind } from './workload-kinds.js';

export type Severity = 'info' | 'warn' | 'error';

export const severityRank: Record<Severity, number> = { error: 3, warn: 2, info: 1 };

export type Risk = 'low' | 'medium' | 'high';

/**
 * The id of the check that says a lookup works (src/checks/healthy): the report takes a healthy
 * verdict's summary from its finding, so the core names it here and the check declares itself with it.
 */
export const healthyCheckId = 'healthy';

/** A query and its answer summarised, before and after a fix, as the Corefile engine simulated it. */
export interface SimulatedQuery {
  name: string;
  type: RecordType;
  client: string;
  /** One-line summary ("hosts answers 10.1.1.1", "forwarded to [10.0.0.2]"). */
  before: string;
  after: string;
  changed: boolean;
  rcodeAfter?: Rcode;
  answersAfter?: DnsRecord[];
}

export interface FixSimulation {
  /** The failing query: must change, to an answer the evidence shows reachable. */
  failing: SimulatedQuery;
  /** Control queries: must not change. */
  controls: SimulatedQuery[];
  /** Plain-language proof ("10.118.119.245 accepts TCP on 80 from gpu-zone1"). */
  proof: string;
}

/** Who a fix touches, narrowest first: one workload's pods, the pods of one zone, every pod. */
export type FixScope = 'workload' | 'zone' | 'cluster';

/** A stop-gap pins today's answer (addresses go stale); a durable fix removes the cause. */
export type FixDurability = 'durable' | 'stop-gap';

interface FixBase {
  title: string;
  /** Who is affected when this is applied. */
  blastRadius: string;
  risk: Risk;
  /** Who it touches; when unset: a workload patch touches its workload, anything else every pod. */
  scope?: FixScope;
  /** When unset the fix counts as durable. */
  durability?: FixDurability;
}

export interface CorefilePatchFix extends FixBase {
  kind: 'corefile-patch';
  target: { namespace: string; name: string; key: string; resourceVersion?: string };
  before: string;
  after: string;
  /** Unified diff of before → after. */
  diff: string;
  /** What the edit changes, in words. */
  changes: string;
  simulation: FixSimulation;
  /** True when the Corefile has no `reload`: CoreDNS pods must be restarted to load it. */
  needsRestart: boolean;
}

export interface WorkloadPatchFix extends FixBase {
  kind: 'workload-patch';
  /**
   * `generation` (from PodFacts.owner) lets apply tell a spec change (refuse) from a status update
   * (resourceVersion moves on every status write of a Deployment).
   */
  target: { kind: WorkloadKind; namespace: string; name: string; resourceVersion?: string; generation?: number };
  /** Strategic merge patch body for the owner's pod template. */
  patch: Record<string, unknown>;
  diff: string;
  changes: string;
  simulation?: FixSimulation;
}

export interface AdviceFix extends FixBase {
  kind: 'advice';
  steps: string[];
}

export type Fix = CorefilePatchFix | WorkloadPatchFix | AdviceFix;

/** Every kind of fix, once: scenario files, fixtures and renderers name fixes by these. */
export const fixKinds = ['corefile-patch', 'workload-patch', 'advice'] as const satisfies readonly Fix['kind'][];
export type FixKind = (typeof fixKinds)[number];
// A Fix shape whose kind is missing from `fixKinds` fails to compile here (the constraint wants `never`).
type NoKindMissing<Missing extends never> = Missing;
type _EveryFixKindListed = NoKindMissing<Exclude<Fix['kind'], FixKind>>;

/** A page of upstream documentation (CoreDNS plugin, Kubernetes concept). */
export interface DocLink {
  title: string;
  url: string;
}

export interface Finding {
  checkId: string;
  /** Stable message id within the check (the check README's "Findings" section lists them). */
  messageId?: string;
  severity: Severity;
  title: string;
  /** Plain language, citing evidence. */
  explanation: string;
  /**
   * The cause in at most three short sentences with the decisive numbers (what the pod got, what it
   * should get, where the difference comes from): the first thing a report shows. When unset,
   * renderers shorten the explanation.
   */
  cause?: string;
  /** Ids of the evidence items that prove it. */
  evidenceRefs: string[];
  fixes: Fix[];
  docsUrl: string;
  /** The CoreDNS and Kubernetes documentation the finding relies on. */
  references?: DocLink[];
  /** Hash of the check id and the decisive evidence (never of rendered text); de-duplicates posts. */
  fingerprint: string;
  /** 0..1: how directly the evidence shows the failure; orders findings of equal severity. */
  confidence: number;
  /** Values that renderers may mask. */
  sensitive?: string[];
  /**
   * Set when the check could not test what a healthy verdict rests on (the lookup from the pod's own
   * network position): the report's verdict is then inconclusive, never healthy.
   */
  untested?: true;
}

/** Orders findings: error before warn before info; within a severity, higher confidence first. Stable. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank[b.f.severity] - severityRank[a.f.severity] || b.f.confidence - a.f.confidence || a.i - b.i)
    .map(({ f }) => f);
}
