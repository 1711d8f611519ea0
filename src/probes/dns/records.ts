/**
 * Turns decoded dns-packet records into dnswhy's plain DnsRecord (names absolute, data as dig
 * prints it), and reads the fields dns-packet leaves untyped (rcode).
 */
import type { Answer, DecodedPacket } from 'dns-packet';
import { rcodeName, type DnsRecord, type Rcode } from '../../core/model/dns.js';

/** Absolute form of a name as dig prints it ("." for the root). */
export function fqdn(name: string): string {
  if (name === '' || name === '.') return '.';
  return name.endsWith('.') ? name : `${name}.`;
}

function txtText(data: unknown): string {
  const parts = Array.isArray(data) ? data : [data];
  return parts.map((p) => `"${Buffer.isBuffer(p) ? p.toString('latin1') : String(p)}"`).join(' ');
}

/** Record data rendered as text, in dig's presentation format where dnswhy cares. */
export function recordData(a: Answer): string {
  const d = (a as { data?: unknown }).data;
  switch (a.type) {
    case 'A':
    case 'AAAA':
      return String(d);
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return fqdn(String(d));
    case 'MX': {
      const mx = d as { preference?: number; exchange: string };
      return `${mx.preference ?? 0} ${fqdn(mx.exchange)}`;
    }
    case 'SRV': {
      const s = d as { priority?: number; weight?: number; port?: number; target: string };
      return `${s.priority ?? 0} ${s.weight ?? 0} ${s.port ?? 0} ${fqdn(s.target)}`;
    }
    case 'SOA': {
      const s = d as { mname: string; rname: string; serial?: number; refresh?: number; retry?: number; expire?: number; minimum?: number };
      return `${fqdn(s.mname)} ${fqdn(s.rname)} ${s.serial ?? 0} ${s.refresh ?? 0} ${s.retry ?? 0} ${s.expire ?? 0} ${s.minimum ?? 0}`;
    }
    case 'TXT':
      return txtText(d);
    case 'HINFO': {
      const h = d as { cpu: string; os: string };
      return `"${h.cpu}" "${h.os}"`;
    }
    default:
      return Buffer.isBuffer(d) ? `\\# ${d.length} ${d.toString('hex')}` : JSON.stringify(d ?? null);
  }
}

/** One decoded record as a DnsRecord. */
export function toDnsRecord(a: Answer): DnsRecord {
  return { name: fqdn(a.name), type: a.type, ttl: (a as { ttl?: number }).ttl ?? 0, data: recordData(a) };
}

/** Records of a section, without the EDNS OPT pseudo-record. */
export function toDnsRecords(list: Answer[] | undefined): DnsRecord[] {
  return (list ?? []).filter((a) => a.type !== 'OPT').map(toDnsRecord);
}

/** The response code of a decoded packet as its mnemonic. */
export function rcodeOf(p: DecodedPacket): Rcode {
  const r = (p as { rcode?: unknown }).rcode;
  if (typeof r === 'string') return r;
  const n = ((p.flags ?? 0) & 0xf) >>> 0;
  return rcodeName(n);
}
