/**
 * Live workers by cluster: each worker refreshes a heartbeat (a sorted-set member scored by its
 * expiry); the app routes to, and `/dns clusters` lists, clusters with a live worker.
 */
import type { Redis } from 'ioredis';
import { keyPrefix } from '../queue/names.js';

const key = `${keyPrefix}:workers`;

/** A live cluster and how many workers serve it. */
export interface LiveCluster {
  name: string;
  workers: number;
}

export class ClusterRegistry {
  constructor(private readonly redis: Redis) {}

  /**
   * Records a heartbeat of one worker.
   * @param ttlMs - how long the heartbeat counts (refresh well before)
   */
  async beat(cluster: string, instance: string, ttlMs: number, now = Date.now()): Promise<void> {
    await this.redis.zadd(key, now + ttlMs, `${cluster}|${instance}`);
  }

  /** Removes a worker at shutdown. */
  async leave(cluster: string, instance: string): Promise<void> {
    await this.redis.zrem(key, `${cluster}|${instance}`);
  }

  private recent: { at: number; live: Promise<LiveCluster[]> } | undefined;

  /**
   * live(), read at most once per `maxAgeMs` (default 1 s): every /dns command asks it on the ack
   * path, while a worker's heartbeat lasts many seconds. Callers that find no usable cluster in
   * it ask live() again, so a worker that just started is never refused for a stale read.
   */
  async recentLive(maxAgeMs = 1000): Promise<LiveCluster[]> {
    const now = Date.now();
    if (!this.recent || now - this.recent.at > maxAgeMs) this.recent = { at: now, live: this.live(now) };
    const read = this.recent;
    try {
      return await read.live;
    } catch (err) {
      if (this.recent === read) this.recent = undefined;
      throw err;
    }
  }

  /** Clusters with at least one live worker, sorted by name. */
  async live(now = Date.now()): Promise<LiveCluster[]> {
    await this.redis.zremrangebyscore(key, '-inf', now);
    const members = await this.redis.zrangebyscore(key, now, '+inf');
    const counts = new Map<string, number>();
    for (const m of members) {
      const cluster = m.slice(0, m.indexOf('|'));
      counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
    }
    return [...counts].map(([name, workers]) => ({ name, workers })).sort((a, b) => a.name.localeCompare(b.name));
  }
}
