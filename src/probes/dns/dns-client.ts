/**
 * dnswhy's DNS client over dns-packet: UDP with retry, TCP on truncation or on request, EDNS0
 * (1232), per-try timeout, random ids and source ports (a new socket per query, bound to the
 * sender's cluster identity), strict matching of replies. It never throws for network trouble or
 * malformed replies: every problem is a typed outcome.
 */
import type { DecodedPacket } from 'dns-packet';
import type { RecordType, Transport } from '../../core/model/dns.js';
import type { DnsQueryEvidence, EvidenceOrigin, QueryPurpose, ResolverRole } from '../../core/model/evidence.js';
import { type NetworkPosition, directNetwork } from '../../core/network-position.js';
import { rcodeOf, toDnsRecords } from './records.js';
import { tcpExchange } from './tcp-exchange.js';
import { type ChannelAnswer, UdpChannel } from './udp-channel.js';

/** How to send a query. */
export interface DnsClientOptions {
  /** How cluster addresses are reached (identity in a real cluster, a mapping in the lab). */
  network?: NetworkPosition;
  /** Cluster identity to send from (bound through network.bindAddress). */
  sourceIp?: string;
  /** Per-try timeout, default 1500 ms. */
  timeoutMs?: number;
  /** UDP tries, default 2. */
  tries?: number;
  /** Default udp. */
  transport?: Transport;
  /** Send an EDNS0 OPT record (default true). */
  edns?: boolean;
  /** Re-ask over TCP when the UDP reply is truncated (default true). */
  tcpOnTruncation?: boolean;
  /** Default true. */
  recursionDesired?: boolean;
}

/**
 * What a query got: the fields of DnsQueryEvidence that one query determines, plus the server asked
 * (the evidence adds its role, label and the EvidenceBase fields).
 */
export type DnsQueryResult = Pick<
  DnsQueryEvidence,
  'source' | 'qname' | 'qtype' | 'outcome' | 'rcode' | 'aa' | 'tc' | 'answers' | 'authority' | 'ttl' | 'latencyMs' | 'tries' | 'transport' | 'error'
> & { server: { ip: string; port: number } };

/** The fields of a reply a result keeps. */
export function resultFields(packet: DecodedPacket): Pick<DnsQueryResult, 'rcode' | 'aa' | 'tc' | 'answers' | 'authority' | 'ttl'> {
  const answers = toDnsRecords(packet.answers);
  const authority = toDnsRecords(packet.authorities);
  const soa = authority.find((r) => r.type === 'SOA');
  const ttl = answers.length > 0 ? Math.min(...answers.map((r) => r.ttl)) : soa?.ttl;
  return { rcode: rcodeOf(packet), aa: !!packet.flag_aa, tc: !!packet.flag_tc, answers, authority, ...(ttl !== undefined ? { ttl } : {}) };
}

/** Turns a channel answer into a query result. */
export function channelResult(
  base: Pick<DnsQueryResult, 'server' | 'source' | 'qname' | 'qtype' | 'transport'>,
  a: ChannelAnswer,
): DnsQueryResult {
  const r: DnsQueryResult = { ...base, outcome: a.kind, answers: [], authority: [], latencyMs: round(a.latencyMs), tries: a.tries };
  if (base.source === undefined) delete r.source;
  if (a.packet) {
    try {
      Object.assign(r, resultFields(a.packet));
    } catch (err) {
      // dns-packet decoded it, but a record's data is not what its type promises.
      return { ...r, outcome: 'error', error: `undecodable record in reply: ${(err as Error).message}` };
    }
  }
  if (a.error) r.error = a.error;
  return r;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/**
 * Asks `server` (a cluster address; port 53 by default) for qname/qtype. Never rejects for
 * network problems: timeouts, refusals and malformed replies are outcomes.
 */
export async function queryDns(server: { ip: string; port?: number }, qname: string, qtype: RecordType, opts: DnsClientOptions = {}): Promise<DnsQueryResult> {
  const network = opts.network ?? directNetwork;
  const port = server.port ?? 53;
  const timeoutMs = opts.timeoutMs ?? 1500;
  const tries = opts.tries ?? 2;
  const bindHost = network.bindAddress(opts.sourceIp);
  const q = { name: qname, type: qtype };
  const base = { server: { ip: server.ip, port }, ...(opts.sourceIp ? { source: opts.sourceIp } : {}), qname, qtype };
  const wire = { edns: opts.edns !== false, recursionDesired: opts.recursionDesired !== false };

  const viaTcp = async (spentTries: number, spentMs: number): Promise<DnsQueryResult> => {
    const dest = network.dial(server.ip, port, 'tcp', opts.sourceIp);
    const a = await tcpExchange(dest, bindHost, q, { timeoutMs: timeoutMs * Math.max(1, tries), ...wire });
    const r = channelResult({ ...base, transport: 'tcp' }, a);
    r.tries += spentTries;
    r.latencyMs = round(r.latencyMs + spentMs);
    return r;
  };

  if (opts.transport === 'tcp') return viaTcp(0, 0);

  const channel = new UdpChannel(network.dial(server.ip, port, 'udp', opts.sourceIp), bindHost);
  let a: ChannelAnswer;
  try {
    await channel.open();
    a = await channel.ask(q, { timeoutMs, tries, ...wire });
  } catch (err) {
    return { ...base, transport: 'udp', outcome: 'error', answers: [], authority: [], latencyMs: 0, tries: 0, error: (err as Error).message };
  } finally {
    channel.close();
  }
  if (a.kind === 'answer' && a.packet?.flag_tc && opts.tcpOnTruncation !== false) return viaTcp(a.tries, a.latencyMs);
  return channelResult({ ...base, transport: 'udp' }, a);
}

/** Builds the DnsQueryEvidence item for a result. */
export function toDnsQueryEvidence(
  r: DnsQueryResult,
  meta: { id: string; from: EvidenceOrigin; at: string; role: ResolverRole; label?: string; seenFromNodes?: string[]; purpose?: QueryPurpose },
): DnsQueryEvidence {
  const ev: DnsQueryEvidence = {
    id: meta.id,
    kind: 'dns-query',
    from: meta.from,
    at: meta.at,
    ms: r.latencyMs,
    resolver: {
      ip: r.server.ip,
      port: r.server.port,
      role: meta.role,
      ...(meta.label !== undefined ? { label: meta.label } : {}),
      ...(meta.seenFromNodes ? { seenFromNodes: meta.seenFromNodes } : {}),
    },
    qname: r.qname,
    qtype: r.qtype,
    transport: r.transport,
    outcome: r.outcome,
    answers: r.answers,
    authority: r.authority,
    latencyMs: r.latencyMs,
    tries: r.tries,
  };
  if (r.source !== undefined) ev.source = r.source;
  if (meta.purpose !== undefined) ev.purpose = meta.purpose;
  if (r.rcode !== undefined) ev.rcode = r.rcode;
  if (r.aa !== undefined) ev.aa = r.aa;
  if (r.tc !== undefined) ev.tc = r.tc;
  if (r.ttl !== undefined) ev.ttl = r.ttl;
  if (r.error !== undefined) ev.error = r.error;
  return ev;
}
