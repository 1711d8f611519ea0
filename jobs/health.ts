/** health: reads the cluster's DNS side now and hands the summary to the post queue. */
import type { Job } from 'bullmq';
import type { HealthJobData, HealthJobResult } from '../src/queue/job-data.js';
import { jobId } from '../src/queue/job-id.js';
import { postJobOptions } from '../src/queue/job-options.js';
import { postJobName } from '../src/queue/names.js';
import type { Queues } from '../src/queue/queues.js';
import type { ClusterRuntime } from './cluster-runtime.js';

export interface HealthDeps {
  runtime: ClusterRuntime;
  queues: Queues;
}

/** Builds the health processor. */
export function createHealthProcessor(deps: HealthDeps) {
  return async (job: Job<HealthJobData, HealthJobResult>): Promise<HealthJobResult> => {
    const summary = await deps.runtime.health();
    await deps.queues.post.add(postJobName, { kind: 'health', channel: job.data.channel, requestedBy: job.data.requestedBy, summary: { ...summary, cluster: job.data.cluster } }, { ...postJobOptions, jobId: jobId('health', job.id!) });
    return { problems: summary.problems.length };
  };
}
