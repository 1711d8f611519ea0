/**
 * Slack's Web API rate limits, emulated with token buckets: per method tier (per minute, per
 * token) and, for chat.postMessage, about one message per second per channel with a small burst.
 * https://docs.slack.dev/apis/web-api/rate-limits
 */

/** Method → tier (1: 1+/min, 2: 20+/min, 3: 50+/min, 4: 100+/min); 'post' = the per-channel rule. */
export const methodTiers: Record<string, 1 | 2 | 3 | 4 | 'post'> = {
  'apps.connections.open': 1,
  'auth.test': 4,
  'chat.postMessage': 'post',
  'chat.update': 3,
  'chat.postEphemeral': 4,
  'chat.getPermalink': 4,
  'conversations.replies': 3,
  'users.info': 4,
  'usergroups.users.list': 2,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
};

export interface RateLimitOptions {
  /** Calls per minute per tier. */
  tierPerMinute: Record<1 | 2 | 3 | 4, number>;
  /** Messages allowed at once in a channel before the 1/s rule applies. */
  channelBurst: number;
  channelPerSecond: number;
}

export const defaultRateLimits: RateLimitOptions = { tierPerMinute: { 1: 1, 2: 20, 3: 50, 4: 100 }, channelBurst: 3, channelPerSecond: 1 };

class Bucket {
  private tokens: number;
  private last: number;
  constructor(private readonly capacity: number, private readonly perMs: number, now: number) {
    this.tokens = capacity;
    this.last = now;
  }
  /** Takes a token, or returns the ms until one is available. */
  take(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly opts: RateLimitOptions) {}

  private bucket(key: string, capacity: number, perMs: number, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new Bucket(capacity, perMs, now)));
    return b;
  }

  /**
   * Counts a call.
   * @returns seconds to send in Retry-After, or 0 when the call is allowed
   */
  check(method: string, token: string, channel: string | undefined, now = Date.now()): number {
    const tier = methodTiers[method] ?? 3;
    let waitMs: number;
    if (tier === 'post') {
      waitMs = channel ? this.bucket(`post|${channel}`, this.opts.channelBurst, this.opts.channelPerSecond / 1000, now).take(now) : 0;
    } else {
      const perMin = this.opts.tierPerMinute[tier];
      waitMs = this.bucket(`${method}|${token}`, perMin, perMin / 60000, now).take(now);
    }
    return waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  }
}
