/**
 * Encoded replies of cache hits, kept per running config so that the same query asked again while
 * the cache entry lives is answered by copying the bytes, writing the query's id and counting the
 * TTLs down, without decoding, routing, walking the chain or encoding again. It only holds replies the
 * engine traced as a cache entry served as it is (see HandleTrace), and each use asks the engine's
 * cache whether that entry still lives and what TTL it has now; anything else takes the full path.
 *
 * "The same query" is the same bytes where the reply depends on them: transport, the RD and CD
 * header bits, EDNS presence, buffer size and DO bit, and the question exactly as sent (name case
 * included, since the reply echoes it). Queries with anything else (several questions, records in
 * the answer or authority sections, additional records other than one OPT, trailing bytes) are
 * never looked up.
 */
import type { CacheHitRef } from './corefile-engine.js';

/** One kept reply. */
interface Kept {
  wire: Buffer;
  /** Offsets of the TTL field of every record but OPT, and the TTL each had when kept. */
  ttlAt: number[];
  ttlThen: number[];
  hit: CacheHitRef;
  /** For the metrics: the query type's name and the reply's rcode. */
  qtype: string;
  rcode: string;
}

/** What a memo hit gives the replica. */
export interface MemoAnswer {
  wire: Buffer;
  qtype: string;
  rcode: string;
  type: CacheHitRef['type'];
}

const opt = 41;

/** Where a name that starts at `at` ends (after its root label or compression pointer), or -1. */
function skipName(buf: Buffer, at: number): number {
  let i = at;
  for (let hops = 0; hops < 128; hops++) {
    if (i >= buf.length) return -1;
    const len = buf[i]!;
    if (len === 0) return i + 1;
    if ((len & 0xc0) === 0xc0) return i + 2 <= buf.length ? i + 2 : -1;
    if (len & 0xc0) return -1;
    i += len + 1;
  }
  return -1;
}

/** The memo key of a query, or undefined when the query is not of the plain shape the memo serves. */
export function memoKey(msg: Buffer, proto: 'udp' | 'tcp'): string | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  // A query (QR clear), opcode QUERY, one question, nothing in the answer and authority sections.
  if (flags & 0x8000 || (flags >> 11) & 0xf || msg.readUInt16BE(4) !== 1 || msg.readUInt16BE(6) !== 0 || msg.readUInt16BE(8) !== 0) return undefined;
  const arcount = msg.readUInt16BE(10);
  if (arcount > 1) return undefined;
  const nameEnd = skipName(msg, 12);
  // A compression pointer in the question of a query is legal but never sent by stub resolvers: full path.
  if (nameEnd < 0 || (msg[nameEnd - 1] !== 0)) return undefined;
  const questionEnd = nameEnd + 4;
  if (questionEnd > msg.length) return undefined;
  let edns = '-';
  let end = questionEnd;
  if (arcount === 1) {
    // OPT: root name, type 41, class = UDP size, TTL = extended rcode, version, DO and Z flags.
    if (msg[questionEnd] !== 0 || questionEnd + 11 > msg.length || msg.readUInt16BE(questionEnd + 1) !== opt) return undefined;
    const size = msg.readUInt16BE(questionEnd + 3);
    const ednsFlags = msg.readUInt16BE(questionEnd + 7);
    end = questionEnd + 11 + msg.readUInt16BE(questionEnd + 9);
    edns = `${size}:${ednsFlags & 0x8000 ? 1 : 0}`;
  }
  if (end !== msg.length) return undefined;
  return `${proto}|${flags & 0x0110}|${edns}|${msg.toString('latin1', 12, questionEnd)}`;
}

/** Offsets of the TTLs of every record of an encoded reply but OPT's, or undefined when it does not parse. */
function ttlOffsets(wire: Buffer): number[] | undefined {
  if (wire.length < 12) return undefined;
  let i = 12;
  for (let q = wire.readUInt16BE(4); q > 0; q--) {
    i = skipName(wire, i);
    if (i < 0) return undefined;
    i += 4;
  }
  const records = wire.readUInt16BE(6) + wire.readUInt16BE(8) + wire.readUInt16BE(10);
  const out: number[] = [];
  for (let r = 0; r < records; r++) {
    i = skipName(wire, i);
    if (i < 0 || i + 10 > wire.length) return undefined;
    if (wire.readUInt16BE(i) !== opt) out.push(i + 4);
    i += 10 + wire.readUInt16BE(i + 8);
  }
  return i === wire.length ? out : undefined;
}

export class WireAnswerMemo {
  private readonly kept = new Map<string, Kept>();

  /** @param capacity - at most this many replies (the oldest goes first), as the cache's own capacity. */
  constructor(private readonly capacity = 10000) {}

  /** Keeps the reply of a traced cache hit for `key`. */
  keep(key: string, wire: Buffer, hit: CacheHitRef, qtype: string, rcode: string): void {
    const ttlAt = ttlOffsets(wire);
    if (!ttlAt) return;
    if (this.kept.size >= this.capacity && !this.kept.has(key)) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, { wire: Buffer.from(wire), ttlAt, ttlThen: ttlAt.map((o) => wire.readUInt32BE(o)), hit, qtype, rcode });
  }

  /**
   * The reply for `key` with `id` and TTLs as the cache gives them now, or undefined (then the
   * query takes the full path). `freshTtl` is the engine's word on the entry.
   */
  answer(key: string, id: number, freshTtl: (hit: CacheHitRef) => number | undefined): MemoAnswer | undefined {
    const k = this.kept.get(key);
    if (!k) return undefined;
    const left = freshTtl(k.hit);
    if (left === undefined) {
      this.kept.delete(key);
      return undefined;
    }
    const wire = Buffer.allocUnsafe(k.wire.length);
    k.wire.copy(wire);
    wire.writeUInt16BE(id, 0);
    // A hit gives each record min(its stored TTL, the entry's TTL left); the kept TTL already is that min at keeping time.
    for (let i = 0; i < k.ttlAt.length; i++) wire.writeUInt32BE(Math.min(k.ttlThen[i]!, left), k.ttlAt[i]!);
    return { wire, qtype: k.qtype, rcode: k.rcode, type: k.hit.type };
  }
}
