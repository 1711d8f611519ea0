/** Parses one zone-file RR line (`NAME [TTL] [CLASS] TYPE DATA`) as the template plugin produces them. */
import type { DnsRecord } from '../../model/dns.js';
import { fqdn } from './names.js';

/** One parsed RR or the reason it does not parse. */
export type RrParse = { ok: true; rr: DnsRecord; class: string } | { ok: false; error: string };

const classes = new Set(['IN', 'CH', 'HS', 'CS', 'ANY']);

/** Parses `text`; names become lower-case FQDNs, TXT data is unquoted. Default TTL 3600 as in miekg. */
export function parseZoneRr(text: string): RrParse {
  const tokens = text.trim().match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  if (tokens.length < 3) return { ok: false, error: `not a resource record: ${text}` };
  const name = fqdn(tokens[0]!);
  let i = 1;
  let ttl = 3600;
  let cls = 'IN';
  for (let k = 0; k < 2; k++) {
    const t = tokens[i]!;
    if (/^\d+$/.test(t)) { ttl = Number(t); i++; } else if (classes.has(t.toUpperCase())) { cls = t.toUpperCase(); i++; }
  }
  const type = tokens[i]?.toUpperCase();
  const data = tokens.slice(i + 1);
  if (!type || data.length === 0) return { ok: false, error: `not a resource record: ${text}` };
  let value: string;
  switch (type) {
    case 'A':
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(data[0]!)) return { ok: false, error: `bad A data: ${data[0]}` };
      value = data[0]!;
      break;
    case 'AAAA':
      if (!data[0]!.includes(':')) return { ok: false, error: `bad AAAA data: ${data[0]}` };
      value = data[0]!.toLowerCase();
      break;
    case 'CNAME': case 'PTR': case 'NS': case 'DNAME':
      value = fqdn(data[0]!);
      break;
    case 'TXT':
      value = data.map((d) => (d.startsWith('"') ? d.slice(1, -1).replace(/\\(.)/g, '$1') : d)).join('');
      break;
    case 'SOA':
      if (data.length < 7) return { ok: false, error: `bad SOA data: ${data.join(' ')}` };
      value = [fqdn(data[0]!), fqdn(data[1]!), ...data.slice(2, 7)].join(' ');
      break;
    case 'SRV':
      if (data.length < 4) return { ok: false, error: `bad SRV data: ${data.join(' ')}` };
      value = [...data.slice(0, 3), fqdn(data[3]!)].join(' ');
      break;
    case 'MX':
      if (data.length < 2) return { ok: false, error: `bad MX data: ${data.join(' ')}` };
      value = `${data[0]} ${fqdn(data[1]!)}`;
      break;
    default:
      value = data.join(' ');
  }
  return { ok: true, rr: { name, type, ttl, data: value }, class: cls };
}
