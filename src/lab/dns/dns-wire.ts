/**
 * Small helpers over dns-packet for the lab's servers: decode without throwing, build a response
 * to a query (ID, question, RD copied; rcode in the low flag bits), and encode with UDP
 * truncation (TC, empty sections) when the answer does not fit the client's buffer.
 */
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';
import { rcodeValue } from '../../core/model/dns.js';

/** A decoded packet with dns-packet's rcode (missing from its typings). */
export type DnsMessage = DecodedPacket & { rcode?: string };

/** The numeric rcode for a mnemonic (unknown → SERVFAIL). */
export function rcodeNumber(rcode: string): number {
  return rcodeValue(rcode) ?? 2;
}

/** Decodes a packet; undefined for anything malformed (the lab ignores it, as a server would). */
export function safeDecode(buf: Buffer): DnsMessage | undefined {
  try {
    return dnsPacket.decode(buf) as DnsMessage;
  } catch {
    return undefined;
  }
}

/**
 * Whether a question name did not survive decoding: dns-packet reads labels as UTF-8, so bytes that
 * are not UTF-8 become U+FFFD, and echoing the name would send other bytes back, possibly a label
 * over 63 bytes that no client can parse. Real CoreDNS keeps such bytes (escaped); the lab does not
 * model them and answers FORMERR without the question (formErrorFor).
 */
export function hasUnrepresentableName(q: Packet): boolean {
  return (q.questions ?? []).some((x) => x.name.includes('\uFFFD') || x.name.split('.').some((label) => Buffer.byteLength(label) > 63));
}

/** FORMERR with the header of the query and no question (for a question the lab cannot echo). */
export function formErrorFor(q: Packet): Packet {
  return { ...responseTo(q, { rcode: 'FORMERR' }), questions: [] };
}

/** The first question of a query, or undefined when it has none. */
export function firstQuestion(q: Packet): { name: string; type: string } | undefined {
  const question = q.questions?.[0];
  return question ? { name: question.name, type: question.type } : undefined;
}

/** The EDNS UDP payload size the client advertised (512 without OPT). */
export function clientUdpSize(q: Packet): number {
  const opt = q.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  return opt ? Math.max(512, opt.udpPayloadSize ?? 512) : 512;
}

/** What a response carries besides the echoed header. */
export interface ResponseParts {
  rcode: string;
  aa?: boolean;
  ra?: boolean;
  answers?: Answer[];
  authorities?: Answer[];
}

/**
 * dns-packet encodes the rcode from the low 4 bits of `flags` only; engines that set the `rcode`
 * mnemonic get it copied into the flags here.
 */
export function withRcodeFlags<T extends Packet & { rcode?: string }>(p: T): T {
  if (!p.rcode) return p;
  return { ...p, flags: ((p.flags ?? 0) & ~0xf) | rcodeNumber(p.rcode) };
}

/** Builds a response packet to `q`. */
export function responseTo(q: Packet, parts: ResponseParts): Packet {
  let flags = rcodeNumber(parts.rcode);
  if (parts.aa) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  if (parts.ra ?? true) flags |= dnsPacket.RECURSION_AVAILABLE;
  flags |= (q.flags ?? 0) & (dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED);
  const hasOpt = q.additionals?.some((a) => a.type === 'OPT') ?? false;
  return {
    type: 'response',
    id: q.id ?? 0,
    flags,
    questions: q.questions ?? [],
    answers: parts.answers ?? [],
    authorities: parts.authorities ?? [],
    additionals: hasOpt ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] } as unknown as Answer] : [],
  };
}

/**
 * Encodes a response; over UDP, one that exceeds `udpLimit` is sent truncated (TC set, sections
 * emptied) so the client retries over TCP, as real servers do.
 */
export function encodeResponse(p: Packet, proto: 'udp' | 'tcp', udpLimit = 512): Buffer {
  const buf = dnsPacket.encode(p);
  if (proto === 'tcp' || buf.length <= udpLimit) return buf;
  return dnsPacket.encode({ ...p, flags: (p.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [] });
}

/** Lower-case name without a trailing dot (dns-packet's form). */
export function normName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') && n.length > 1 ? n.slice(0, -1) : n === '.' ? '' : n;
}
