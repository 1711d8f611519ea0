/**
 * Findings already reported in a channel, by fingerprint, for the de-duplication window (an hour
 * by default): a later report of the same finding links to the earlier thread instead of
 * re-posting it in full.
 */
import type { Redis } from 'ioredis';
import { keyPrefix } from '../queue/names.js';

/** Where a finding was reported first. */
export interface ReportedFinding {
  threadTs: string;
  permalink: string;
  at: string;
}

export class FingerprintLedger {
  constructor(private readonly redis: Redis, private readonly windowSeconds: number) {}

  private key(channel: string, fingerprint: string): string {
    return `${keyPrefix}:fp:${channel}:${fingerprint}`;
  }

  /** The earlier report of this finding in this channel, within the window. */
  async lookup(channel: string, fingerprint: string): Promise<ReportedFinding | undefined> {
    const raw = await this.redis.get(this.key(channel, fingerprint));
    return raw ? (JSON.parse(raw) as ReportedFinding) : undefined;
  }

  /** Records a finding as reported (first writer wins within the window). */
  async remember(channel: string, fingerprint: string, ref: ReportedFinding): Promise<void> {
    await this.redis.set(this.key(channel, fingerprint), JSON.stringify(ref), 'EX', this.windowSeconds, 'NX');
  }
}
