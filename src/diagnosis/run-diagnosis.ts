/**
 * One diagnosis: gather evidence from the pod's position and the cluster, run every check, build the
 * report, keeping the notes of checks that threw or lacked evidence. Used identically by the CLI, the
 * Slack worker and `lab test`; only the cluster handle differs.
 */
import type { ClusterAccess, ProbeImage } from '../core/cluster-access.js';
import type { DiagnosisTarget } from '../core/model/diagnosis.js';
import type { Report } from '../core/model/report.js';
import type { NetworkPosition } from '../core/network-position.js';
import { buildReport } from '../core/report/build-report.js';
import type { Check } from '../checks/define-check.js';
import { runChecksDetailed } from '../checks/run-checks.js';
import { gatherEvidence, type GatherOptions } from '../probes/gather/gather-evidence.js';
import { causeConfidence } from '../core/report/brief.js';
import type { Finding } from '../core/model/index.js';

/** A cluster to diagnose: its API access, how to reach its addresses, and its display name. */
export interface ClusterHandle {
  access: ClusterAccess;
  network: NetworkPosition;
  name: string;
  /** The nodes' conntrack statistics can be read by hostNetwork probe pods (the netns lab; opt-in elsewhere). */
  nodeConntrack?: boolean;
  /** False when the worker has no route into the cluster's networks (the netns lab): no worker queries. */
  workerQueries?: boolean;
}

export interface DiagnosisOptions {
  onProgress?: (step: string, done: number, total: number) => void;
  /** Burst probe size; the default is 200 queries, 20 at a time. */
  burst?: { count: number; concurrency: number };
  probeMode?: 'twin-pod' | 'ephemeral';
  /** Read the nodes' conntrack statistics with hostNetwork probe pods (default: what the cluster handle says). */
  nodeConntrack?: boolean;
  /** Probe pods' image and how to pull it (default: the release's image). */
  probeImage?: ProbeImage;
  /** Where probe pods run when not in the target's namespace (GatherOptions.probeNamespace). */
  probeNamespace?: string;
  /** The checks to run: the registry unless a test brings its own. */
  checks?: readonly Check[];
  /**
   * Called while the deep probes still run, each time the checks, run on the evidence in so far,
   * find a cause they had not found before: the cause can be told before the slowest probe (a pod
   * tool waiting out libc's 5 s timeout) is in. Only causes (warn or error, confidence at least
   * 0.5, as the report's brief counts them), never the healthy verdict: a check that needs evidence
   * still missing says it lacks it and raises nothing. The report stays the answer.
   */
  onEarlyCauses?: (early: EarlyCauses) => void;
}

/** Causes found before the evidence is complete. */
export interface EarlyCauses {
  /** Every cause found so far, ordered as a report orders them. */
  causes: Finding[];
  /** The probe steps still running. */
  waitingFor: string[];
  /** Since the diagnosis started. */
  atMs: number;
}

/** Runs the checks on each partial evidence list and tells `listener` when a new cause shows. */
function earlyCauseJudge(target: DiagnosisTarget, startedAt: Date, listener: (early: EarlyCauses) => void, checks?: readonly Check[]): NonNullable<GatherOptions['onPartialEvidence']> {
  const told = new Set<string>();
  return ({ pod, evidence, waitingFor }) => {
    const { findings } = runChecksDetailed({ target: { pod, name: target.name, port: target.port }, evidence }, checks);
    const causes = findings.filter((f) => f.severity !== 'info' && f.confidence >= causeConfidence);
    if (!causes.some((f) => !told.has(f.checkId))) return;
    for (const f of causes) told.add(f.checkId);
    listener({ causes, waitingFor, atMs: Date.now() - startedAt.getTime() });
  };
}

export async function runDiagnosis(cluster: ClusterHandle, target: DiagnosisTarget, opts: DiagnosisOptions = {}): Promise<Report> {
  const startedAt = new Date();
  const steps = ['gather evidence', 'run checks', 'build report'];
  opts.onProgress?.(steps[0]!, 0, steps.length);
  const gathered = await gatherEvidence(
    cluster.access,
    { pod: target.pod, namespace: target.namespace, name: target.name, port: target.port },
    {
      network: cluster.network,
      burst: opts.burst,
      probeMode: opts.probeMode,
      ...((opts.nodeConntrack ?? cluster.nodeConntrack) ? { nodeConntrack: true } : {}),
      ...(cluster.workerQueries === false ? { workerQueries: false } : {}),
      ...(opts.probeImage ? { probeImage: opts.probeImage } : {}),
      ...(opts.probeNamespace ? { probeNamespace: opts.probeNamespace } : {}),
      onProgress: (step) => opts.onProgress?.(step, 0, steps.length),
      ...(opts.onEarlyCauses ? { onPartialEvidence: earlyCauseJudge(target, startedAt, opts.onEarlyCauses, opts.checks) } : {}),
    },
  );
  opts.onProgress?.(steps[1]!, 1, steps.length);
  const input = { target: { pod: gathered.pod, name: target.name, port: target.port }, evidence: gathered.evidence };
  const { findings, notes } = runChecksDetailed(input, opts.checks);
  opts.onProgress?.(steps[2]!, 2, steps.length);
  const report = buildReport(input, findings, {
    cluster: cluster.name,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    apiRequests: gathered.apiRequests,
    resolvedFrom: gathered.resolvedFrom,
    notes: notes.map((n) => n.text),
  });
  opts.onProgress?.('done', steps.length, steps.length);
  return report;
}
