/**
 * health: on the cluster's worker, gathers the DNS side now (runtime.health), builds the summary
 * against the previous snapshot of this cluster+channel (deltas, restarts since, config drift),
 * keeps the new snapshot, and hands the summary to the post queue (the app posts it). Used by
 * `/dns health` and by the job schedulers of `/dns schedule`.
 */
import type { Job } from 'bullmq';
import { buildHealthSummary, snapshotOf } from '../src/core/health/build-health-summary.js';
import { trendChartOf, trendPointOf, trendThatMatters } from '../src/core/health/trend.js';
import type { HealthStore } from '../src/store/health-store.js';
import type { HealthJobData, HealthJobResult } from '../src/queue/job-data.js';
import { jobId } from '../src/queue/job-id.js';
import { postJobOptions } from '../src/queue/job-options.js';
import { postJobName } from '../src/queue/names.js';
import type { Queues } from '../src/queue/queues.js';
import type { ClusterRuntime } from './cluster-runtime.js';

export interface HealthDeps {
  runtime: ClusterRuntime;
  queues: Queues;
  /** Previous snapshots; without it every summary stands alone (no deltas, no drift). */
  store?: HealthStore;
}

/** Builds the health processor. */
export function createHealthProcessor(deps: HealthDeps) {
  return async (job: Job<HealthJobData, HealthJobResult>): Promise<HealthJobResult> => {
    const { cluster, channel } = job.data;
    const previous = await deps.store?.previous(cluster, channel);
    const input = await deps.runtime.health();
    const summary = buildHealthSummary({ ...input, cluster, ...(previous ? { previous } : {}) });
    // Posting is a separate, idempotent job: a Slack outage never re-runs the probes.
    // Jobs made by a job scheduler carry its key (repeatJobKey): the summary says "scheduled by".
    const scheduled = Boolean(job.repeatJobKey);
    // A chart goes with the summary only when the latest point is clearly worse than the earlier ones.
    const point = trendPointOf(summary);
    const points = [...((await deps.store?.trend(cluster, channel)) ?? []).filter((p) => p.at < point.at), point];
    const t = trendThatMatters(points);
    const trend = t ? trendChartOf(points, t.metric, cluster, t.why) : undefined;
    // The last 7 summaries go along for the trend in text (for readers who do not open images).
    const recent = points.slice(-7);
    await deps.queues.post.add(
      postJobName,
      { kind: 'health', channel, requestedBy: job.data.requestedBy, summary, ...(scheduled ? { scheduled } : {}), ...(trend ? { trend } : {}), ...(recent.length >= 2 ? { recent } : {}) },
      { ...postJobOptions, jobId: jobId('health', job.id!) },
    );
    await deps.store?.save(cluster, channel, snapshotOf(input));
    await deps.store?.pushTrend(cluster, channel, point);
    return { problems: summary.reasons.filter((r) => r.severity !== 'info').length, status: summary.status };
  };
}
