/** Plain DNS data shared by probes, checks, the Corefile engine and the lab. No I/O here. */

/** Record types dnswhy reasons about. */
export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'SRV' | 'MX' | 'PTR' | 'SOA' | 'NS' | 'HINFO' | 'ANY' | (string & {});

/**
 * Response code mnemonics indexed by their 4-bit header value (RFC 1035 §4.1.1, RFC 2136 §2.2), as
 * dig and CoreDNS print them. The one table every encoder, decoder and log line reads.
 */
export const headerRcodes = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'] as const;

/** Response codes by their mnemonic, as CoreDNS and dig print them (BADVERS is the EDNS extended one). */
export type Rcode = (typeof headerRcodes)[number] | 'BADVERS' | (string & {});

/** The mnemonic of a header rcode value; a value without one is `RCODE<n>`, as dig prints it. */
export function rcodeName(value: number): Rcode {
  return headerRcodes[value] ?? `RCODE${value}`;
}

/** The header value of a mnemonic, or undefined when it is not one. */
export function rcodeValue(name: string): number | undefined {
  const i = (headerRcodes as readonly string[]).indexOf(name);
  return i < 0 ? undefined : i;
}

/** One resource record, data rendered as text (A: "10.0.0.1", CNAME: "target.example.", SOA: "mname rname serial refresh retry expire minimum"). */
export interface DnsRecord {
  name: string;
  type: RecordType;
  ttl: number;
  data: string;
}

/** Transport a query travels on. */
export type Transport = 'udp' | 'tcp';

/** What one query exchange ended with: an answer (any rcode), no reply in time, a refused connection or port, or another error. */
export type ExchangeOutcome = 'answer' | 'timeout' | 'refused' | 'error';

/** Why a lookup through a stub resolver failed (the libc-level result, not an rcode of one query). */
export type LookupFailure = 'NXDOMAIN' | 'NODATA' | 'TIMEOUT' | 'SERVFAIL' | 'REFUSED' | 'CONNREFUSED' | (string & {});

/** A question as the evaluator and the probes see it. Names are absolute (trailing dot) once normalised. */
export interface DnsQuestion {
  name: string;
  type: RecordType;
}
