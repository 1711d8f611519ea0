/** Plain DNS data shared by probes, checks, the Corefile engine and the lab. No I/O here. */

/** Record types dnswhy reasons about. */
export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'SRV' | 'MX' | 'PTR' | 'SOA' | 'NS' | 'HINFO' | 'ANY' | (string & {});

/** Response codes by their mnemonic, as CoreDNS and dig print them. */
export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | 'BADVERS' | (string & {});

/** One resource record, data rendered as text (A: "10.0.0.1", CNAME: "target.example.", SOA: "mname rname serial refresh retry expire minimum"). */
export interface DnsRecord {
  name: string;
  type: RecordType;
  ttl: number;
  data: string;
}

/** Transport a query travels on. */
export type Transport = 'udp' | 'tcp';

/** A question as the evaluator and the probes see it. Names are absolute (trailing dot) once normalised. */
export interface DnsQuestion {
  name: string;
  type: RecordType;
}
