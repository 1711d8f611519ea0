/**
 * Reports as posted in a thread, kept server-side so a click ("Other fixes", "Show details",
 * Approve) and an apply or rollback can re-render the one report message from the same data: the
 * report, where it was posted, which proposal stands behind each fix (a re-proven fix replaces the
 * first proposal of its slot), which "Other fixes" lists are open, and where the details went.
 * Buttons carry only the report id. Kept a week, like proposals.
 */
import type { Redis } from 'ioredis';
import type { Fix, Report } from '../core/model/index.js';
import type { ThreadRef } from '../queue/job-data.js';
import { keyPrefix } from '../queue/names.js';

const keepSeconds = 7 * 24 * 3600;

/** An earlier report of a finding in the same channel (only referenced). */
export interface ReferencedReport {
  permalink: string;
  at: string;
}

export interface StoredReport {
  id: string;
  cluster: string;
  thread: ThreadRef;
  report: Report;
  requestedBy: string;
  askers: string[];
  referenced: Record<string, ReferencedReport>;
  createdAt: string;
}

/** Which proposal stands behind fix j of finding i, and how it got there. */
export interface StoredSlot {
  proposalId: string;
  /** The fix now in the slot, when it replaced the first one (re-proven). */
  fix?: Fix;
  note?: string;
}

export interface ReportRecord extends StoredReport {
  messageTs?: string;
  slots: Record<string, StoredSlot>;
  openFindings: number[];
  details?: { ts?: string; link?: string };
}

export class ReportStore {
  constructor(private readonly redis: Redis) {}

  private key(id: string): string {
    return `${keyPrefix}:report:${id}`;
  }

  /** Stores a report once (a re-run of the same post job keeps the first). */
  async create(r: StoredReport): Promise<boolean> {
    const key = this.key(r.id);
    const created = await this.redis.hsetnx(key, 'data', JSON.stringify(r));
    await this.redis.expire(key, keepSeconds);
    return created === 1;
  }

  async get(id: string): Promise<ReportRecord | undefined> {
    const h = await this.redis.hgetall(this.key(id));
    if (!h.data) return undefined;
    const slots: Record<string, StoredSlot> = {};
    for (const [k, v] of Object.entries(h)) if (k.startsWith('slot:')) slots[k.slice(5)] = JSON.parse(v) as StoredSlot;
    return {
      ...(JSON.parse(h.data) as StoredReport),
      ...(h.messageTs ? { messageTs: h.messageTs } : {}),
      slots,
      openFindings: h.open ? (JSON.parse(h.open) as number[]) : [],
      ...(h.details ? { details: JSON.parse(h.details) as { ts?: string; link?: string } } : {}),
    };
  }

  async setMessageTs(id: string, ts: string): Promise<void> {
    await this.redis.hset(this.key(id), 'messageTs', ts);
  }

  /** Sets the proposal behind a slot (the first one, or a re-proven one that replaces it). */
  async setSlot(id: string, slot: string, value: StoredSlot): Promise<void> {
    await this.redis.hset(this.key(id), `slot:${slot}`, JSON.stringify(value));
  }

  /** Opens the "Other fixes" list of a finding; false when it was already open. */
  async open(id: string, finding: number): Promise<boolean> {
    const r = await this.get(id);
    if (!r || r.openFindings.includes(finding)) return false;
    await this.redis.hset(this.key(id), 'open', JSON.stringify([...r.openFindings, finding].sort((a, b) => a - b)));
    return true;
  }

  async setDetails(id: string, details: { ts?: string; link?: string }): Promise<void> {
    await this.redis.hset(this.key(id), 'details', JSON.stringify(details));
  }

  /**
   * Runs `fn` while holding the report's render lock, so two updates of the report message (a click
   * and an apply result) cannot interleave their read and their write. Waits up to ~3 s, then runs
   * anyway: a late picture is better than none.
   */
  async withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${this.key(id)}:lock`;
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    let held = false;
    for (let i = 0; i < 30 && !held; i++) {
      held = (await this.redis.set(lock, token, 'PX', 10_000, 'NX')) === 'OK';
      if (!held) await new Promise((r) => setTimeout(r, 100));
    }
    try {
      return await fn();
    } finally {
      if (held) await this.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, lock, token);
    }
  }
}
