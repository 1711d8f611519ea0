/**
 * The worker entry for Slack delivery (runs in the app process, which holds the Slack token):
 * consumes `dnswhy-post` with the post-report processor. While Slack cannot be reached the worker
 * is paused, and a delivery that fails for lack of a connection goes back to the queue (delayed)
 * without using up one of its attempts: an outage of any length delays posts, it never drops them.
 * They are delivered once each afterwards (the post ledger).
 */
import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { QueueLogger } from '../../queue/connection.js';
import { postQueueName } from '../../queue/names.js';
import { workerLockOptions } from '../../queue/worker-options.js';
import { recoverOrphansAtStart } from '../../queue/recover-orphans.js';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PostReportJobData, PostReportJobResult } from '../../queue/job-data.js';
import { isSlackUnreachable, type SlackConnection } from '../slack-connection.js';
import { createPostReportProcessor, type PostReportDeps } from './post-report.js';

export interface PostWorkerOptions {
  connection: ConnectionOptions;
  deps: PostReportDeps;
  log: QueueLogger;
  concurrency?: number;
  /** Pauses delivery while Slack is unreachable. */
  slack?: SlackConnection;
  /** How long a delivery waits after a connection failure before it is tried again. */
  unreachableDelayMs?: number;
  /** The post queue and a Redis client: deliveries orphaned by a dead app are taken over at start. */
  orphans?: { queue: Queue; redis: Redis };
}

/** Starts the delivery worker. */
export async function startPostWorker(o: PostWorkerOptions): Promise<Worker> {
  const process = createPostReportProcessor(o.deps);
  const worker = new Worker<PostReportJobData, PostReportJobResult>(
    postQueueName,
    async (job: Job<PostReportJobData, PostReportJobResult>, token?: string) => {
      try {
        return await process(job);
      } catch (err) {
        if (!isSlackUnreachable(err) || !token) throw err;
        o.slack?.reportFailure(err);
        await job.moveToDelayed(Date.now() + (o.unreachableDelayMs ?? 2000), token);
        throw new DelayedError();
      }
    },
    { connection: o.connection, concurrency: o.concurrency ?? 4, ...workerLockOptions },
  );
  worker.on('error', (err) => o.log.warn({ err: err.message }, 'post worker error'));
  worker.on('failed', (job, err) => o.log.warn({ job: job?.id, err: err.message, attempts: job?.attemptsMade }, 'post failed'));
  o.slack?.onChange((up) => {
    if (up) worker.resume();
    else void worker.pause(true);
  });
  await worker.waitUntilReady();
  if (o.orphans) {
    const sweep = recoverOrphansAtStart(o.orphans.queue, o.orphans.redis, o.log);
    await sweep.first;
    worker.once('closing', () => sweep.cancel());
  }
  if (o.slack && !o.slack.isUp) void worker.pause(true);
  return worker;
}
