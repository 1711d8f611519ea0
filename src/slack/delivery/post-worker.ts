/**
 * The worker entry for Slack delivery (runs in the app process, which holds the Slack token):
 * consumes `dnswhy-post` with the post-report processor.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import type { QueueLogger } from '../../queue/connection.js';
import { postQueueName } from '../../queue/names.js';
import { createPostReportProcessor, type PostReportDeps } from './post-report.js';

export interface PostWorkerOptions {
  connection: ConnectionOptions;
  deps: PostReportDeps;
  log: QueueLogger;
  concurrency?: number;
}

/** Starts the delivery worker. */
export async function startPostWorker(o: PostWorkerOptions): Promise<Worker> {
  const worker = new Worker(postQueueName, createPostReportProcessor(o.deps), { connection: o.connection, concurrency: o.concurrency ?? 4 });
  worker.on('error', (err) => o.log.warn({ err: err.message }, 'post worker error'));
  worker.on('failed', (job, err) => o.log.warn({ job: job?.id, err: err.message, attempts: job?.attemptsMade }, 'post failed'));
  await worker.waitUntilReady();
  return worker;
}
