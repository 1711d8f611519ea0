/**
 * "Is that process still alive?" for app instances: each refreshes a key with a short expiry while
 * it runs; a key that is gone means the instance stopped (or died) at least ttl ago.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { keyPrefix } from '../queue/names.js';

export class InstanceHeartbeat {
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;

  /**
   * @param kind - 'app' (one key space per kind of process)
   * @param ttlMs - how long a beat counts; refreshed every ttl/3
   */
  constructor(private readonly redis: Redis, private readonly kind: string, readonly ttlMs = 15_000) {}

  private key(id: string): string {
    return `${keyPrefix}:instance:${this.kind}:${id}`;
  }

  async start(): Promise<void> {
    const beat = () => this.redis.set(this.key(this.id), '1', 'PX', this.ttlMs).catch(() => undefined);
    await beat();
    this.timer = setInterval(beat, Math.max(100, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** True while the instance's beat has not expired. */
  async alive(id: string): Promise<boolean> {
    return (await this.redis.exists(this.key(id))) === 1;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(this.key(this.id)).catch(() => undefined);
  }
}
