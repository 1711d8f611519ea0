/**
 * UDP size limits as CoreDNS's ScrubWriter applies them (miekg `Msg.Truncate`): a reply larger than the
 * client's EDNS buffer size (512 without EDNS) loses records from the end of its sections, additional
 * first, and gets TC when answer or authority records had to go, so the client retries over TCP.
 * Sizes are computed without name compression, as dns-packet (which the lab uses to encode) writes them:
 * the result always fits on the wire, with somewhat fewer records than CoreDNS's compressed replies carry.
 */
import type { DnsRecord } from '../../model/dns.js';
import type { Res } from './types.js';

function nameLen(n: string): number {
  return n === '.' ? 1 : n.replace(/\.$/, '').length + 2;
}

function rdataLen(r: DnsRecord): number {
  const f = r.data.split(' ');
  switch (r.type) {
    case 'A': return 4;
    case 'AAAA': return 16;
    case 'CNAME': case 'PTR': case 'NS': case 'DNAME': return nameLen(r.data);
    case 'MX': return 2 + nameLen(f[1] ?? '.');
    case 'SRV': return 6 + nameLen(f[3] ?? '.');
    case 'SOA': return nameLen(f[0] ?? '.') + nameLen(f[1] ?? '.') + 20;
    case 'TXT': return r.data.length + Math.ceil(Math.max(r.data.length, 1) / 255);
    default: return r.data.length;
  }
}

/** Wire size of one RR without name compression. */
export function rrSize(r: DnsRecord): number {
  return nameLen(r.name) + 10 + rdataLen(r);
}

/** Drops records so the reply fits `max` bytes; sets TC when answer/authority records were dropped. */
export function truncateTo(res: Res, qname: string, max: number, withOpt: boolean): Res {
  const head = 12 + nameLen(qname) + 4 + (withOpt ? 11 : 0);
  const size = (rs: DnsRecord[]) => rs.reduce((a, r) => a + rrSize(r), 0);
  if (head + size(res.answers) + size(res.authority) + size(res.additional) <= max) return res;
  const keep = (rs: DnsRecord[], budget: number): DnsRecord[] => {
    const out: DnsRecord[] = [];
    let used = 0;
    for (const r of rs) {
      const s = rrSize(r);
      if (used + s > budget) break;
      out.push(r);
      used += s;
    }
    return out;
  };
  let budget = max - head;
  const answers = keep(res.answers, budget);
  budget -= size(answers);
  const authority = answers.length === res.answers.length ? keep(res.authority, budget) : [];
  budget -= size(authority);
  const additional = authority.length === res.authority.length ? keep(res.additional, budget) : [];
  const tc = answers.length < res.answers.length || authority.length < res.authority.length;
  return { ...res, answers, authority, additional, tc: res.tc || tc };
}
