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
