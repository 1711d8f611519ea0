/**
 * The resolution path of one lookup, hop by hop, from the evidence: the pod's resolv.conf (and
 * /etc/hosts when it pins the name), each query the stub resolver sent with its rcode and time, the
 * DNS Service, each CoreDNS endpoint, the upstreams as seen from the CoreDNS nodes, and TCP connects to
 * the answers. Pure; reads evidence only.
 */
import type { DnsQueryEvidence, Evidence, PathHop, PodFacts, TcpConnectEvidence } from '../model/index.js';
import { evidenceOfKind } from '../model/index.js';

function norm(n: string): string {
  return n.toLowerCase().replace(/\.+$/, '');
}

function ms(n: number): number {
  return Math.round(n * 10) / 10;
}

function answerText(q: DnsQueryEvidence): string {
  if (q.outcome !== 'answer') return `${q.outcome}${q.error ? ` (${q.error})` : ''} after ${q.tries} ${q.tries === 1 ? 'try' : 'tries'}`;
  const addrs = q.answers.filter((a) => a.type === 'A' || a.type === 'AAAA').map((a) => a.data);
  const soa = q.authority.find((a) => a.type === 'SOA');
  return `${q.rcode ?? 'answer'}${addrs.length > 0 ? ` ${addrs.join(', ')}` : ''}${addrs.length === 0 && soa ? ` (SOA ${norm(soa.name) || '.'})` : ''}`;
}

function nodeOf(e: Evidence): string | undefined {
  const f = e.from;
  return f.kind === 'pod' || f.kind === 'probe-pod' ? f.node : f.kind === 'node' ? f.name : undefined;
}

/** Hops for the lookup of `name` by `pod`, in the order the lookup took them. */
export function resolutionPath(pod: PodFacts, name: string, evidence: Evidence[], port?: number): PathHop[] {
  const hops: PathHop[] = [];
  const target = norm(name);
  const lookup = evidenceOfKind(evidence, 'lookup').find((l) => norm(l.name) === target) ?? evidenceOfKind(evidence, 'lookup')[0];
  const names = new Set([target, ...(lookup?.result.finalName ? [norm(lookup.result.finalName)] : [])]);
  const rc = evidenceOfKind(evidence, 'resolv-conf')[0];
  if (rc) {
    const lines = rc.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    hops.push({ step: 'pod resolv.conf', detail: lines.join('; '), ok: lines.some((l) => l.startsWith('nameserver')), ms: rc.ms, evidenceRefs: [rc.id] });
  }
  const hosts = evidenceOfKind(evidence, 'hosts-file')[0];
  const pinned = hosts?.entries.filter((e) => e.names.some((n) => norm(n) === target)) ?? [];
  if (hosts && pinned.length > 0) hops.push({ step: 'pod /etc/hosts', detail: `${target} → ${pinned.map((p) => p.ip).join(', ')} (DNS is not asked)`, ok: true, evidenceRefs: [hosts.id] });
  if (lookup) {
    for (const q of lookup.queries) {
      const res = q.outcome === 'answer' ? `${q.rcode ?? 'answer'}${q.answers.length > 0 ? ` ${q.answers.join(', ')}` : ''}` : q.outcome;
      // A truncated UDP reply re-asked over TCP shows as one hop, marked, so the reader sees the retry's fate.
      const via = q.truncated ? (q.transport === 'tcp' ? ' (UDP reply truncated, re-asked over TCP)' : ' (UDP reply truncated, kept as is)') : '';
      hops.push({ step: `${lookup.libc} query ${norm(q.qname)} ${q.qtype}`, detail: `→ ${q.server}: ${res}${via}`, ok: q.outcome === 'answer', ms: ms(q.latencyMs), evidenceRefs: [lookup.id] });
    }
    const r = lookup.result;
    hops.push({
      step: 'lookup result',
      detail: r.ok ? `${r.addresses.join(', ')}${r.answeredBy ? ` via ${r.answeredBy}` : ''}${r.finalName ? ` as ${norm(r.finalName)}` : ''}` : `failed: ${r.error ?? 'error'}`,
      ok: r.ok,
      ms: ms(lookup.totalMs),
      evidenceRefs: [lookup.id],
    });
  }
  // The pod's own tools (when its image has them): what the application itself would see.
  for (const t of evidenceOfKind(evidence, 'tool-output')) {
    const p = t.parsed;
    const what = t.stillWaitingAfterMs !== undefined ? `still waiting after ${t.stillWaitingAfterMs} ms: libc's resolver waits 5 s for an answer before it asks again, so a query was lost` : p.timedOut ? 'timed out' : p.addresses.length > 0 ? p.addresses.join(', ') : (p.rcode ?? `exit ${t.exitCode}`);
    hops.push({ step: `in the pod: ${t.argv.join(' ')}`, detail: `${what}${p.server ? ` (server ${p.server})` : ''}`, ok: t.exitCode === 0 && p.addresses.length > 0, ms: ms(t.ms), evidenceRefs: [t.id] });
  }
  const queries = evidenceOfKind(evidence, 'dns-query').filter((q) => q.purpose === undefined && names.has(norm(q.qname)) && q.qtype === 'A');
  const svc = queries.filter((q) => q.resolver.role === 'dns-service');
  if (svc.length > 0) {
    hops.push({
      step: `DNS Service ${svc[0]!.resolver.ip}`,
      detail: svc.map((q) => `${q.transport.toUpperCase()} ${answerText(q)}`).join('; '),
      ok: svc.some((q) => q.outcome === 'answer' && q.rcode === 'NOERROR' && q.answers.length > 0),
      ms: ms(Math.min(...svc.map((q) => q.latencyMs))),
      evidenceRefs: svc.map((q) => q.id),
    });
  }
  const endpoints = evidenceOfKind(evidence, 'endpoints')[0];
  const epQueries = evidenceOfKind(evidence, 'dns-query').filter((q) => q.resolver.role === 'coredns-endpoint');
  for (const ip of [...new Set(epQueries.map((q) => q.resolver.ip))]) {
    const qs = epQueries.filter((q) => q.resolver.ip === ip);
    const cp = endpoints?.corednsPods.find((p) => p.ip === ip);
    const label = qs[0]!.resolver.label ?? cp?.name ?? ip;
    const where = cp ? ` on ${cp.node}${cp.zone ? ` (${cp.zone})` : ''}` : '';
    hops.push({
      step: `CoreDNS ${label} (${ip})${where}`,
      detail: qs.map((q) => `${q.transport.toUpperCase()}${q.purpose ? ` ${norm(q.qname)} (its own name)` : ''} ${answerText(q)}`).join('; '),
      ok: qs.some((q) => q.outcome === 'answer'),
      ms: ms(Math.min(...qs.map((q) => q.latencyMs))),
      evidenceRefs: qs.map((q) => q.id),
    });
  }
  // Names asked besides the diagnosed one: the name as written (absolute), random names under a search
  // domain, and the target of a CNAME answered without an address.
  const purposeWord = { 'as-written': 'as written', 'wildcard-probe': 'wildcard test', 'cname-target': 'CNAME target' } as const;
  for (const q of evidenceOfKind(evidence, 'dns-query').filter((x) => x.purpose === 'as-written' || x.purpose === 'wildcard-probe' || x.purpose === 'cname-target')) {
    hops.push({
      step: `${purposeWord[q.purpose as keyof typeof purposeWord]}: ${norm(q.qname)} → ${q.resolver.ip}`,
      detail: answerText(q),
      ok: q.outcome === 'answer',
      ms: ms(q.latencyMs),
      evidenceRefs: [q.id],
    });
  }
  for (const q of queries.filter((x) => x.resolver.role === 'upstream')) {
    const from = q.resolver.seenFromNodes?.join(', ') ?? nodeOf(q);
    hops.push({
      step: `upstream ${q.resolver.ip}${from ? ` (from ${from})` : ''}`,
      detail: answerText(q),
      ok: q.outcome === 'answer' && q.rcode !== 'SERVFAIL' && q.rcode !== 'REFUSED',
      ms: ms(q.latencyMs),
      evidenceRefs: [q.id],
    });
  }
  const answers = new Set(lookup?.result.addresses ?? svc.flatMap((q) => q.answers.map((a) => a.data)));
  const tcp: TcpConnectEvidence[] = evidenceOfKind(evidence, 'tcp-connect').filter((t) => answers.has(t.ip) && (port === undefined || t.port === port) && (nodeOf(t) === undefined || nodeOf(t) === pod.node));
  for (const t of tcp) {
    hops.push({ step: `TCP ${t.ip}:${t.port}`, detail: t.ok ? 'connected' : `failed: ${t.error ?? 'error'}`, ok: t.ok, ms: ms(t.ms), evidenceRefs: [t.id] });
  }
  return hops;
}
