/**
 * On-demand health summaries on their way, one per cluster and channel: `/dns health` asked again
 * while one is being gathered is told it is coming instead of queueing another (a burst of them
 * would otherwise fill the cluster's line ahead of the questions behind it). The entry ends when the
 * summary's delivery starts, or after ttlSeconds if it never comes (a failed health job).
 * Scheduled summaries do not go through it.
 */
import type { Redis } from 'ioredis';
import { keyPrefix } from '../queue/names.js';

export class PendingHealth {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 300,
  ) {}

  private key(cluster: string, channel: string): string {
    return `${keyPrefix}:health-pending:${cluster}:${channel}`;
  }

  /** True when the caller may enqueue a summary; false while one for this cluster and channel is on its way. */
  async claim(cluster: string, channel: string): Promise<boolean> {
    return (await this.redis.set(this.key(cluster, channel), String(Date.now()), 'EX', this.ttlSeconds, 'NX')) === 'OK';
  }

  /** Ends the entry (the summary is being delivered, or its job could not be enqueued). */
  async release(cluster: string, channel: string): Promise<void> {
    await this.redis.del(this.key(cluster, channel));
  }
}
