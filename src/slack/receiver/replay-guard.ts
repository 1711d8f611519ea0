/**
 * Replay protection for HTTP mode: a validly signed request is accepted once. The signature is
 * remembered for longer than the 5-minute timestamp window, so a captured request cannot be sent
 * again (Slack's own retries carry a new timestamp and so a new signature).
 */
import type { Redis } from 'ioredis';
import { keyPrefix } from '../../queue/names.js';

export interface ReplayGuard {
  /** True the first time a signature is seen, false afterwards. */
  firstSeen(signature: string): Promise<boolean>;
}

/** Shared across app replicas through Redis. */
export class RedisReplayGuard implements ReplayGuard {
  constructor(private readonly redis: Redis, private readonly ttlSeconds = 600) {}

  async firstSeen(signature: string): Promise<boolean> {
    return (await this.redis.set(`${keyPrefix}:sig:${signature}`, '1', 'EX', this.ttlSeconds, 'NX')) === 'OK';
  }
}

/** For a single process without Redis (tests of the receiver alone). */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly ttlMs = 600_000) {}

  async firstSeen(signature: string): Promise<boolean> {
    const now = Date.now();
    for (const [k, exp] of this.seen) if (exp < now) this.seen.delete(k);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, now + this.ttlMs);
    return true;
  }
}
