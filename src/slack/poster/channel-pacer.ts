/**
 * Paces messages per channel: Slack allows about one message per second per channel, with short
 * bursts tolerated. A token bucket per channel (burst tokens, one more per interval) lets a parent
 * message and its first reply go out together while a flood waits for its slots.
 */
export class ChannelPacer {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly intervalMs = 1000,
    private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    private readonly burst = 3,
  ) {}

  /** Waits for the channel's next slot and takes it. */
  async slot(channel: string): Promise<void> {
    if (this.intervalMs <= 0) return;
    for (;;) {
      const now = Date.now();
      const b = this.buckets.get(channel) ?? { tokens: this.burst, at: now };
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) / this.intervalMs);
      b.at = now;
      this.buckets.set(channel, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil((1 - b.tokens) * this.intervalMs));
    }
  }

  /** Empties the channel's bucket for `ms` (after a 429 with Retry-After). */
  defer(channel: string, ms: number): void {
    this.buckets.set(channel, { tokens: -ms / this.intervalMs, at: Date.now() });
  }
}
