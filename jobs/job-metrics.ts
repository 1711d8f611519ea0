/**
 * What each cluster job adds to the metrics once an attempt ends: a diagnosis by verdict, its
 * findings by check and its duration; an apply or rollback by outcome. An attempt that threw
 * counts as `error` (diagnose) or `failed` (apply, rollback): retries count again.
 */
import type { DiagnoseJobResult, ApplyFixJobResult, RollbackJobResult } from '../src/queue/job-data.js';
import { clusterJobNames } from '../src/queue/names.js';
import type { DnswhyMetrics } from '../src/ops/metrics.js';

/** How one attempt ended: its result, or that it threw. */
export type AttemptEnd = { result: unknown } | { threw: true };

export function recordJobAttempt(metrics: DnswhyMetrics, cluster: string, jobName: string, end: AttemptEnd, seconds: number): void {
  const ok = 'result' in end;
  switch (jobName) {
    case clusterJobNames.diagnose: {
      const r = ok ? (end.result as DiagnoseJobResult) : undefined;
      const verdict = r?.verdict ?? 'error';
      metrics.diagnoses.inc({ cluster, verdict });
      metrics.diagnosisSeconds.observe({ cluster, verdict }, seconds);
      for (const check of r?.checks ?? []) metrics.findings.inc({ cluster, check });
      return;
    }
    case clusterJobNames.applyFix:
      metrics.fixApplies.inc({ cluster, outcome: ok ? (end.result as ApplyFixJobResult).outcome : 'failed' });
      return;
    case clusterJobNames.rollback:
      metrics.rollbacks.inc({ cluster, outcome: ok ? (end.result as RollbackJobResult).outcome : 'failed' });
      return;
    default:
      return;
  }
}
