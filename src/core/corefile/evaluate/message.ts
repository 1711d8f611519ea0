/**
 * A plain DNS message shape mirroring dns-packet's Packet (so decoded packets can be passed in and the
 * result encoded as is), and conversions between its records and the text records the chain uses.
 */
import { rcodeName, type DnsRecord } from '../../model/dns.js';
import { fqdn } from './names.js';

/** A resource record in dns-packet's shape. */
export interface DnsAnswer {
  name: string;
  type: string;
  class?: string;
  ttl?: number;
  data?: unknown;
  flush?: boolean;
  [extra: string]: unknown;
}

/** A DNS message in dns-packet's Packet shape. `rcode` (string) mirrors the low bits of `flags`. */
export interface DnsMessage {
  id?: number;
  type?: 'query' | 'response';
  flags?: number;
  rcode?: string;
  questions?: { name: string; type: string; class?: string }[];
  answers?: DnsAnswer[];
  authorities?: DnsAnswer[];
  additionals?: DnsAnswer[];
  [extra: string]: unknown;
}

/** A chain record that may carry wire data we do not render as text. */
export type WireRecord = DnsRecord & { raw?: unknown };

/** DNS header flag bits. */
export const flagBits = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, AD: 0x0020, CD: 0x0010 } as const;

/** The rcode of a message, from `rcode` or the flags' low bits. */
export function rcodeOf(m: DnsMessage): string {
  if (typeof m.rcode === 'string') return m.rcode.toUpperCase();
  const n = (m.flags ?? 0) & 0xf;
  return rcodeName(n);
}

const bare = (n: string) => (n === '.' ? '.' : n.replace(/\.$/, ''));

/** Text record → dns-packet answer. */
export function toWire(r: WireRecord): DnsAnswer {
  const base = { name: bare(r.name), type: r.type, class: 'IN', ttl: r.ttl };
  if (r.raw !== undefined) return { ...base, data: r.raw };
  const f = r.data.split(' ');
  switch (r.type) {
    case 'CNAME': case 'PTR': case 'NS': case 'DNAME':
      return { ...base, data: bare(r.data) };
    case 'SOA':
      return { ...base, data: { mname: bare(f[0]!), rname: bare(f[1]!), serial: Number(f[2]), refresh: Number(f[3]), retry: Number(f[4]), expire: Number(f[5]), minimum: Number(f[6]) } };
    case 'SRV':
      return { ...base, data: { priority: Number(f[0]), weight: Number(f[1]), port: Number(f[2]), target: bare(f[3]!) } };
    case 'MX':
      return { ...base, data: { preference: Number(f[0]), exchange: bare(f[1]!) } };
    case 'HINFO': {
      const m = /^"([^"]*)" "([^"]*)"$/.exec(r.data);
      return { ...base, data: { cpu: m?.[1] ?? r.data, os: m?.[2] ?? '' } };
    }
    default:
      return { ...base, data: r.data };
  }
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return v.map(text).join('');
  return String(v);
}

/** dns-packet answer → text record (unknown shapes keep their wire data in `raw`). */
export function fromWire(a: DnsAnswer): WireRecord {
  const name = fqdn(a.name);
  const ttl = a.ttl ?? 0;
  const d = a.data as Record<string, unknown> | string | undefined;
  switch (a.type) {
    case 'A': case 'AAAA':
      return { name, type: a.type, ttl, data: String(d) };
    case 'CNAME': case 'PTR': case 'NS': case 'DNAME':
      return { name, type: a.type, ttl, data: fqdn(String(d)) };
    case 'SOA': {
      const s = d as Record<string, unknown>;
      return { name, type: 'SOA', ttl, data: `${fqdn(String(s.mname))} ${fqdn(String(s.rname))} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}` };
    }
    case 'SRV': {
      const s = d as Record<string, unknown>;
      return { name, type: 'SRV', ttl, data: `${s.priority} ${s.weight} ${s.port} ${fqdn(String(s.target))}` };
    }
    case 'MX': {
      const s = d as Record<string, unknown>;
      return { name, type: 'MX', ttl, data: `${s.preference} ${fqdn(String(s.exchange))}` };
    }
    case 'TXT':
      return { name, type: 'TXT', ttl, data: text(d), raw: d };
    default:
      return { name, type: a.type, ttl, data: typeof d === 'string' ? d : JSON.stringify(d ?? null), raw: d };
  }
}
