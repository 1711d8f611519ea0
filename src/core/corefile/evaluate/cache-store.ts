/** Per-server-block cache state for CorefileServer: entries expire by the stored duration; TTLs count down on hits. */
import type { Res } from './types.js';

interface Entry { res: Res; storedMs: number; ttl: number; seq: number }

/** One stored entry, as a caller that kept an encoded copy of its answer names it. */
export interface CacheEntryRef { block: number; key: string; seq: number }

/** One map per block (each block has its own cache, as in CoreDNS). */
export class CacheStore {
  private readonly blocks = new Map<number, Map<string, Entry>>();
  private seq = 0;
  /** The entry the last get() returned, until the next get(). */
  lastHit: CacheEntryRef | undefined;

  constructor(private readonly capacity = 10000) {}

  /** A copy with TTLs counted down; expired entries only within `staleSeconds` (TTL 0, `stale`). */
  get(block: number, key: string, nowMs: number, staleSeconds = 0): Res | undefined {
    const m = this.blocks.get(block);
    const e = m?.get(key);
    this.lastHit = undefined;
    if (!e) return undefined;
    const left = e.ttl - Math.floor((nowMs - e.storedMs) / 1000);
    if (left <= 0 && -left >= staleSeconds) {
      m!.delete(key);
      return undefined;
    }
    const ttl = Math.max(left, 0);
    this.lastHit = { block, key, seq: e.seq };
    const set = (rs: Res['answers']) => rs.map((r) => ({ ...r, ttl: Math.min(r.ttl, ttl) }));
    return { ...e.res, aa: true, answers: set(e.res.answers), authority: set(e.res.authority), additional: set(e.res.additional), fromCache: true, ...(left <= 0 ? { stale: true } : {}) };
  }

  set(block: number, key: string, res: Res, ttl: number, nowMs: number): void {
    let m = this.blocks.get(block);
    if (!m) { m = new Map(); this.blocks.set(block, m); }
    if (m.size >= this.capacity && !m.has(key)) m.delete(m.keys().next().value!);
    m.set(key, { res, storedMs: nowMs, ttl, seq: ++this.seq });
  }

  /**
   * The TTL a get() at `nowMs` would give the records of entry `ref` (each record's own TTL capped by
   * it), or undefined when that entry is gone, was replaced, or is expired (get() then decides).
   */
  freshTtl(ref: CacheEntryRef, nowMs: number): number | undefined {
    const e = this.blocks.get(ref.block)?.get(ref.key);
    if (!e || e.seq !== ref.seq) return undefined;
    const left = e.ttl - Math.floor((nowMs - e.storedMs) / 1000);
    return left > 0 ? left : undefined;
  }

  /** Number of entries in a block's cache (metrics, tests). */
  size(block: number): number {
    return this.blocks.get(block)?.size ?? 0;
  }
}
