/**
 * Encoding queries and strictly matching replies (id, qname case-insensitively, qtype, qclass, QR
 * bit). Anything that does not match, or does not decode, is ignored rather than accepted.
 */
import { type DecodedPacket, RECURSION_DESIRED, decode, encode } from 'dns-packet';
import type { DnsQuestion } from '../../core/model/dns.js';

/** EDNS0 payload size dnswhy advertises (the DNS Flag Day 2020 value). */
export const ednsPayloadSize = 1232;

/** Encodes a standard query (RD set; EDNS OPT with 1232 when asked). */
export function encodeQuery(id: number, q: DnsQuestion, opts: { edns?: boolean; recursionDesired?: boolean; ad?: boolean } = {}): Buffer {
  return encode({
    type: 'query',
    id,
    // AD in a query asks the server to say whether the answer was validated (glibc's trust-ad).
    flags: (opts.recursionDesired === false ? 0 : RECURSION_DESIRED) | (opts.ad ? 0x0020 : 0),
    questions: [{ type: q.type as never, name: q.name.replace(/\.$/, '') || '.', class: 'IN' }],
    additionals: opts.edns === false ? [] : [{ type: 'OPT', name: '.', udpPayloadSize: ednsPayloadSize, flags: 0, options: [] } as never],
  });
}

/** Decodes a packet, or returns undefined when it is malformed (never throws). */
export function safeDecode(buf: Buffer): DecodedPacket | undefined {
  try {
    const p = decode(buf);
    return p && typeof p === 'object' ? p : undefined;
  } catch {
    return undefined;
  }
}

function sameName(a: string, b: string): boolean {
  return a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();
}

/** True when `p` is the reply to the query with this id and question. */
export function matchesQuestion(p: DecodedPacket, id: number, q: DnsQuestion): boolean {
  try {
    if (p.id !== id || p.type !== 'response') return false;
    const qs = p.questions;
    if (!Array.isArray(qs) || qs.length !== 1) return false;
    const got = qs[0]!;
    return typeof got.name === 'string' && sameName(got.name, q.name) && got.type === q.type && (got.class ?? 'IN') === 'IN';
  } catch {
    return false;
  }
}
