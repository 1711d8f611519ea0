/**
 * Paces messages per channel: Slack allows about one message per second per channel (short bursts
 * tolerated), so posts to one channel wait for their slot while other channels proceed.
 */
export class ChannelPacer {
  private readonly next = new Map<string, number>();

  constructor(private readonly intervalMs = 1000, private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))) {}

  /** Waits for the channel's next slot and reserves it. */
  async slot(channel: string): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next.get(channel) ?? 0);
    this.next.set(channel, at + this.intervalMs);
    if (at > now) await this.sleep(at - now);
  }

  /** Pushes the channel's next slot back (after a 429 with Retry-After). */
  defer(channel: string, ms: number): void {
    this.next.set(channel, Math.max(this.next.get(channel) ?? 0, Date.now() + ms));
  }
}
