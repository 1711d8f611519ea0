/**
 * The post worker takes a new question's start before the deliveries already waiting (progress,
 * reports, results), and the deliveries in the order they arrived. Real redis-server and a BullMQ
 * worker on the post queue with the options the app enqueues with; the processor only records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { bullConnection } from '../../src/queue/connection.js';
import { postJobOptions, progressJobOptions, startJobOptions } from '../../src/queue/job-options.js';
import { postJobName, postQueueName } from '../../src/queue/names.js';
import type { PostReportJobData } from '../../src/queue/job-data.js';
import { startRedisQueues, stopRedisQueues, type RedisQueues } from '../jobs/helpers/redis-queues.js';

const target = { pod: 'web-7d9', namespace: 'default', name: 'q.example' };
const progress = (seq: number): PostReportJobData => ({ kind: 'progress', thread: { channel: 'C0X', threadTs: '1.1' }, progressTs: '2.1', target, cluster: 'lab', step: `step ${seq}`, done: seq, total: 9, seq });
const health = (i: number): PostReportJobData => ({ kind: 'health', channel: 'C0X', requestedBy: 'U0ASKER', summary: { at: `2026-12-04T00:00:0${i}Z` } as never });
const start = (i: number): PostReportJobData => ({ kind: 'start-diagnosis', channel: 'C0X', user: 'U0ASKER', target: { ...target, name: `new${i}.example` }, diagnoseJobId: `diag-${i}` });

describe('post queue order (real redis-server and BullMQ worker)', () => {
  let rq: RedisQueues;
  beforeAll(async () => {
    rq = await startRedisQueues();
  });
  afterAll(async () => {
    await stopRedisQueues(rq);
  });

  it('hands out the starts of new questions before the waiting deliveries, and the deliveries in arrival order', async () => {
    const post = rq.queues.post;
    await post.add(postJobName, progress(1), { ...progressJobOptions, jobId: 'progress-1' });
    await post.add(postJobName, health(1), { ...postJobOptions, jobId: 'health-1' });
    await post.add(postJobName, start(1), { ...startJobOptions, jobId: 'start-1' });
    await post.add(postJobName, progress(2), { ...progressJobOptions, jobId: 'progress-2' });
    await post.add(postJobName, health(2), { ...postJobOptions, jobId: 'health-2' });
    await post.add(postJobName, start(2), { ...startJobOptions, jobId: 'start-2' });
    const order: string[] = [];
    const worker = new Worker(postQueueName, async (job) => void order.push(job.id!), { connection: bullConnection(rq.server.url), concurrency: 1 });
    try {
      await new Promise<void>((resolve) => worker.on('completed', () => order.length === 6 && resolve()));
    } finally {
      await worker.close();
    }
    expect(order).toEqual(['start-1', 'start-2', 'progress-1', 'health-1', 'progress-2', 'health-2']);
  });
});
