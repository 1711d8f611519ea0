/**
 * The previous health snapshot per cluster and channel (Redis), so the next summary can show
 * deltas (requests, rcodes, cache, restarts since then) and config drift (the Corefile text is kept
 * to diff against). One JSON value per key, kept for `ttlSeconds` (default 14 days: a daily
 * schedule that stopped for a while still compares with its last run).
 */
import type { Redis } from 'ioredis';
import type { HealthSnapshot } from '../core/health/model.js';
import type { TrendPoint } from '../core/health/trend.js';
import { shortHash } from '../queue/job-id.js';
import { keyPrefix } from '../queue/names.js';

export class HealthStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 14 * 86400,
  ) {}

  /** Redis key of a cluster+channel pair (channel ids are hashed: user input stays out of key syntax). */
  static keyFor(cluster: string, channel: string): string {
    return `${keyPrefix}:health:${shortHash(`${cluster}|${channel}`)}`;
  }

  /** The last snapshot, or undefined (none yet, or unreadable JSON: a fresh start is better than a crash). */
  async previous(cluster: string, channel: string): Promise<HealthSnapshot | undefined> {
    const raw = await this.redis.get(HealthStore.keyFor(cluster, channel));
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as HealthSnapshot;
      return typeof v.at === 'string' && typeof v.metrics === 'object' && v.metrics !== null ? v : undefined;
    } catch {
      return undefined;
    }
  }

  /** Trend points of earlier summaries, oldest first (at most the last `keep` pushed). */
  async trend(cluster: string, channel: string): Promise<TrendPoint[]> {
    const raw = await this.redis.lrange(`${HealthStore.keyFor(cluster, channel)}:trend`, 0, -1);
    const out: TrendPoint[] = [];
    for (const r of raw) {
      try {
        const p = JSON.parse(r) as TrendPoint;
        if (typeof p.at === 'string') out.push(p);
      } catch {
        // a damaged point is skipped: the chart shows the others
      }
    }
    return out;
  }

  /** Appends a trend point, keeping the last `keep` (default 30). */
  async pushTrend(cluster: string, channel: string, point: TrendPoint, keep = 30): Promise<void> {
    const key = `${HealthStore.keyFor(cluster, channel)}:trend`;
    await this.redis.multi().rpush(key, JSON.stringify(point)).ltrim(key, -keep, -1).expire(key, this.ttlSeconds).exec();
  }

  /** Replaces the snapshot unless a newer one is already stored (two runs finishing out of order). */
  async save(cluster: string, channel: string, snap: HealthSnapshot): Promise<boolean> {
    const key = HealthStore.keyFor(cluster, channel);
    const current = await this.previous(cluster, channel);
    if (current && current.at > snap.at) return false;
    await this.redis.set(key, JSON.stringify(snap), 'EX', this.ttlSeconds);
    return true;
  }
}
