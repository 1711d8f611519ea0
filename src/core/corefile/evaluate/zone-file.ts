/**
 * A zone-file reader for the `file` plugin (RFC 1035 master files as CoreDNS's miekg parser reads them, the
 * common subset): $ORIGIN, $TTL, `@`, relative names, blank owners, parentheses across lines, `;` comments,
 * optional TTL and class in either order. Returns records with text data (see zone-rr.ts) or an error.
 */
import type { DnsRecord } from '../../model/dns.js';
import { fqdn } from './names.js';
import { parseZoneRr } from './zone-rr.js';

/** The records of a zone file, or why it cannot be loaded. */
export type ZoneFileResult = { ok: true; records: DnsRecord[] } | { ok: false; error: string };

/** Splits a line into fields, keeping quoted strings whole and dropping `;` comments. */
function fields(line: string): string[] {
  return line.match(/"(?:[^"\\]|\\.)*"|[^\s;"]+|;.*$/g)?.filter((f) => !f.startsWith(';')) ?? [];
}

const types = new Set(['A', 'AAAA', 'CNAME', 'NS', 'MX', 'TXT', 'SRV', 'PTR', 'SOA', 'CAA', 'DNAME', 'HINFO', 'NAPTR', 'DS', 'DNSKEY']);

/** Parses `text` with `origin` (the zone). */
export function parseZoneFile(text: string, origin: string): ZoneFileResult {
  let org = fqdn(origin);
  let defaultTtl = 3600;
  let owner = org;
  const out: DnsRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    // Join parenthesised continuation lines.
    if (/\((?=(?:[^"]*"[^"]*")*[^"]*$)/.test(line.replace(/;.*$/, '')) && !line.replace(/;.*$/, '').includes(')')) {
      while (i + 1 < lines.length && !line.replace(/;.*$/, '').includes(')')) line = `${line.replace(/;.*$/, '')} ${lines[++i]!}`;
    }
    const startsBlank = /^[ \t]/.test(line);
    const f = fields(line.replace(/[()]/g, ' '));
    if (f.length === 0) continue;
    if (f[0] === '$ORIGIN') { org = fqdn(f[1] ?? org); continue; }
    if (f[0] === '$TTL') { defaultTtl = Number(f[1]) || defaultTtl; continue; }
    if (f[0]!.startsWith('$')) return { ok: false, error: `line ${i + 1}: ${f[0]} is not supported` };
    const abs = (n: string) => (n === '@' ? org : n.endsWith('.') ? n.toLowerCase() : `${n.toLowerCase()}.${org === '.' ? '' : org}`);
    let rest = f;
    if (!startsBlank) { owner = abs(f[0]!); rest = f.slice(1); }
    let ttl = defaultTtl;
    let k = 0;
    for (; k < 2 && k < rest.length; k++) {
      if (/^\d+$/.test(rest[k]!)) ttl = Number(rest[k]);
      else if (!['IN', 'CH', 'HS'].includes(rest[k]!.toUpperCase())) break;
    }
    const type = rest[k]?.toUpperCase();
    if (!type || !types.has(type)) return { ok: false, error: `line ${i + 1}: cannot read "${line.trim()}"` };
    const data = rest.slice(k + 1);
    const nameTypes: Record<string, number[]> = { CNAME: [0], NS: [0], PTR: [0], DNAME: [0], MX: [1], SRV: [3], SOA: [0, 1] };
    const fixed = data.map((x, j) => (nameTypes[type]?.includes(j) ? abs(x) : x));
    const parsed = parseZoneRr(`${owner} ${ttl} IN ${type} ${fixed.join(' ')}`);
    if (!parsed.ok) return { ok: false, error: `line ${i + 1}: ${parsed.error}` };
    out.push(parsed.rr);
  }
  if (!out.some((r) => r.type === 'SOA' && r.name === fqdn(origin))) return { ok: false, error: `no SOA record for ${fqdn(origin)}` };
  return { ok: true, records: out };
}
