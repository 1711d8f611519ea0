/**
 * Reachability of every CoreDNS endpoint from the pod's position: what the twin probe saw when it
 * queried each endpoint directly over UDP and TCP, with each endpoint's node and zone. An endpoint
 * that answers a name it serves itself (its own Service) is reachable, whatever happens to the
 * diagnosed name: a forwarded name that times out points at its upstreams, not at the network.
 */
import type { DnsQueryEvidence } from '../../core/model/index.js';
import type { Facts } from './facts.js';

/** One CoreDNS endpoint as the pod sees it. */
export interface EndpointRow {
  ip: string;
  pod?: string;
  node?: string;
  zone?: string;
  ready: boolean;
  udp: string;
  tcp: string;
  /** What the endpoint answered for a name it serves itself ("NOERROR in 2 ms", "not tested"). */
  own: string;
  /** answers: some query got a reply; unreachable: every query failed; untested: none sent. */
  verdict: 'answers' | 'unreachable' | 'untested';
  /** True when the endpoint answered its own name but no query for the diagnosed name. */
  answersOnlyOwnName: boolean;
  refs: string[];
}

function outcomeText(qs: DnsQueryEvidence[]): string {
  if (qs.length === 0) return 'not tested';
  const ok = qs.find((q) => q.outcome === 'answer');
  if (ok) return `${ok.rcode ?? 'answer'} in ${Math.round(ok.latencyMs)} ms`;
  const q = qs[0]!;
  return q.outcome === 'timeout' ? `timeout after ${q.tries} ${q.tries === 1 ? 'try' : 'tries'}` : q.outcome === 'refused' ? 'refused' : `error${q.error ? ` (${q.error})` : ''}`;
}

/** One row per CoreDNS endpoint (from the endpoints evidence, plus any endpoint queried that it lacks). */
export function endpointMatrix(f: Facts): { rows: EndpointRow[] } {
  // The worker's own queries (asked when no probe ran from the pod's position) come from the worker's
  // namespace and node: a reply shows the endpoint serves, but a timeout may be a NetworkPolicy or a
  // firewall that treats the worker otherwise than the pod, so it cannot say "unreachable from this pod".
  const fromPod = (q: DnsQueryEvidence) => q.resolver.role === 'coredns-endpoint' && (q.from.kind !== 'worker' || q.outcome === 'answer');
  const qs = f.queries.filter(fromPod);
  const own = f.purposeQueries.filter((q) => fromPod(q) && q.purpose === 'self-answered');
  const known = new Map<string, { ip: string; pod?: string; node?: string; zone?: string; ready: boolean }>();
  for (const e of f.endpoints?.endpoints ?? []) known.set(e.ip, { ip: e.ip, ...(e.pod ? { pod: e.pod } : {}), ...(e.node ? { node: e.node } : {}), ...(e.zone ? { zone: e.zone } : {}), ready: e.ready });
  for (const p of f.corednsPods) if (!known.has(p.ip)) known.set(p.ip, { ip: p.ip, pod: p.name, node: p.node, ...(p.zone ? { zone: p.zone } : {}), ready: p.ready });
  for (const q of [...qs, ...own]) if (!known.has(q.resolver.ip)) known.set(q.resolver.ip, { ip: q.resolver.ip, ...(q.resolver.label ? { pod: q.resolver.label } : {}), ready: true });
  const rows: EndpointRow[] = [];
  for (const e of known.values()) {
    const mine = qs.filter((q) => q.resolver.ip === e.ip);
    const mineOwn = own.filter((q) => q.resolver.ip === e.ip);
    const targetAnswers = mine.some((q) => q.outcome === 'answer');
    const ownAnswers = mineOwn.some((q) => q.outcome === 'answer');
    const udp = mine.filter((q) => q.transport === 'udp');
    const tcp = mine.filter((q) => q.transport === 'tcp');
    const pod = e.pod ?? f.corednsPods.find((p) => p.ip === e.ip)?.name;
    const node = e.node ?? f.corednsPods.find((p) => p.ip === e.ip)?.node;
    const zone = e.zone ?? f.zoneOf(node);
    rows.push({
      ip: e.ip,
      ...(pod ? { pod } : {}),
      ...(node ? { node } : {}),
      ...(zone ? { zone } : {}),
      ready: e.ready,
      udp: outcomeText(udp),
      tcp: outcomeText(tcp),
      own: outcomeText(mineOwn),
      verdict: mine.length + mineOwn.length === 0 ? 'untested' : targetAnswers || ownAnswers ? 'answers' : 'unreachable',
      answersOnlyOwnName: ownAnswers && !targetAnswers && mine.length > 0,
      refs: [...mine, ...mineOwn].map((q) => q.id),
    });
  }
  return { rows };
}

/** "coredns-x (10.0.0.1) on node-a (zone-1): UDP timeout after 2 tries, TCP timeout after 1 try". */
export function rowText(r: EndpointRow, f: Facts): string {
  const own = r.own === 'not tested' ? '' : `, its own name ${r.own}`;
  return `${r.pod ?? r.ip} (${r.ip}) on ${f.describeNode(r.node)}: UDP ${r.udp}, TCP ${r.tcp}${own}`;
}
