/**
 * intermittent-timeouts (seed 001): under a bounded burst a share of the queries to the DNS Service
 * time out or are answered only after a retry, while queries sent to the CoreDNS pods directly are
 * not (the conntrack SNAT/DNAT race of kube-proxy), or the other way round (CoreDNS itself drops).
 */
import type { BurstEvidence, Finding } from '../../core/model/index.js';
import { evidenceOfKind } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { LacksEvidenceError } from '../lacks-evidence.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { normName } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { endpointMatrix } from '../lib/endpoint-matrix.js';
import { timeoutFixes } from './fix.js';

const id = 'intermittent-timeouts';

const meta: CheckMeta = {
  title: 'DNS queries intermittently time out',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.nodeLocalDns, refs.resolvConf, refs.dnsDebugging],
  messages: {
    'service-path-loss': { severity: 'warn', text: 'Queries to the DNS Service are lost while the CoreDNS pods answer every direct query' },
    'endpoint-loss': { severity: 'warn', text: 'CoreDNS pods themselves drop or delay a share of queries' },
    'loss-unlocalised': { severity: 'warn', text: 'A share of DNS queries time out under load' },
  },
};

/** From this share on, a burst that fails everywhere is a consistent failure, not an intermittent one. */
const consistentFailureShare = 0.9;

/**
 * Queries of the burst that were lost: timed out or answered only after a retry, less those whose
 * first try was answered too, later (`late`: a slow server, not a lost datagram), plus errors.
 */
export function lostCount(b: BurstEvidence): number {
  return Math.max(0, b.timeouts + b.retried - (b.late ?? 0)) + b.errors;
}

/** Share of the burst that was lost (see lostCount). */
export function badShare(b: BurstEvidence): number {
  return b.count > 0 ? lostCount(b) / b.count : 0;
}

/**
 * A burst hurts when at least 2% and at least three of its queries were lost or retried: the conntrack
 * race loses a few percent to a third of the packets, while one or two slow answers in 200 are what a
 * busy node does to any probe.
 */
export function burstHurts(b: BurstEvidence): boolean {
  return lostCount(b) >= 3 && badShare(b) >= 0.02;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

function burstText(b: BurstEvidence): string {
  const late = b.late ? `; ${b.late} of those were answered late, not lost` : '';
  return `${b.timeouts} of ${b.count} timed out and ${b.retried} were answered only after a retry${late} (${pct(badShare(b))} lost; p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms, max ${b.maxMs} ms)`;
}

function severityFor(share: number): 'warn' | 'error' {
  return share >= 0.3 ? 'error' : 'warn';
}

function conntrackText(f: Facts): { text: string; refs: string[] } {
  const ct = evidenceOfKind(f.evidence, 'conntrack');
  if (ct.length === 0) {
    const pe = f.probeErrorsAbout('conntrack');
    return { text: pe.length > 0 ? ` Conntrack counters could not be read (${pe[0]!.reason}).` : '', refs: pe.map((p) => p.id) };
  }
  const parts = ct.map((c) => `${c.node}: insert_failed=${c.insertFailed}${c.drop !== undefined ? `, drop=${c.drop}` : ''}${c.count !== undefined && c.max !== undefined ? `, ${c.count}/${c.max} entries` : ''}`);
  const racy = ct.some((c) => c.insertFailed > 0);
  // A table at its limit drops new flows (each lookup on a new socket is one), counted in drop.
  const full = ct.filter((c) => c.count !== undefined && c.max !== undefined && c.max > 0 && c.count >= c.max).map((c) => c.node);
  const fullText = full.length ? ` The conntrack table of ${full.join(' and ')} is full: the kernel drops new flows through it unless it can evict one, and counts the drops in drop.` : '';
  return { text: ` Conntrack on ${parts.join('; ')}${racy ? ' — insert_failed above zero is the SNAT/DNAT race.' : '.'}${fullText}`, refs: ct.map((c) => c.id) };
}

/** intermittent-timeouts implements Check: burst loss through the Service vs. direct to the endpoints. */
export const intermittentTimeouts = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const bursts = evidenceOfKind(f.evidence, 'burst');
    const svc = bursts.filter((b) => b.target.role === 'dns-service');
    const eps = bursts.filter((b) => b.target.role === 'coredns-endpoint');
    // Endpoints that never answer from this pod are dns-endpoint-unreachable's case: the Service
    // burst then loses the share of queries sent to them, which is not intermittent.
    const matrix = endpointMatrix(f);
    if (matrix.rows.some((r) => r.verdict === 'unreachable')) return [];
    if (bursts.length === 0) throw new LacksEvidenceError("burst of queries from the pod's position");
    // When every burst, through the Service and to each pod, fails almost entirely, the failure is
    // consistent (a dead upstream, a missing zone), not intermittent: upstream-failure and the
    // other checks explain it, and calling it packet loss would send people to the wrong place.
    const all = [...svc, ...eps];
    if (all.length > 0 && all.every((b) => badShare(b) >= consistentFailureShare)) return [];
    const svcBad = svc.filter(burstHurts);
    const epBad = eps.filter(burstHurts);
    const ct = conntrackText(f);
    if (svcBad.length > 0) {
      const worst = svcBad.reduce((a, b) => (badShare(b) >= badShare(a) ? b : a));
      const share = badShare(worst);
      const target = `the DNS Service ${worst.target.ip}`;
      if (eps.length > 0 && epBad.length === 0) {
        const epText = eps.map((b) => `${b.target.label ?? b.target.ip}: ${lostCount(b)} of ${b.count} lost`).join('; ');
        return [
          makeFinding(id, meta, 'service-path-loss', {
            severity: severityFor(share),
            explanation: `From ${f.podText}, a burst of ${worst.count} queries (${worst.concurrency} at a time) for ${normName(worst.qname)} to ${target}: ${burstText(worst)}. The same burst sent to the CoreDNS pods directly lost ${eps.some((b) => lostCount(b) > 0) ? 'almost nothing' : 'nothing'} (${epText}), so the packets are lost between the Service address and the pods: kube-proxy's conntrack NAT for UDP, not CoreDNS. Each lost query costs the application the resolver timeout (5 s with the default resolv.conf) before its retry.${ct.text}`,
            evidenceRefs: [worst.id, ...eps.map((b) => b.id), ...ct.refs],
            fixes: timeoutFixes(f, 'service'),
            confidence: 0.9,
            decisive: { service: worst.target.ip, path: 'service' },
          }),
        ];
      }
      if (epBad.length > 0) {
        return [
          makeFinding(id, meta, 'endpoint-loss', {
            severity: severityFor(share),
            explanation: `From ${f.podText}, ${burstText(worst)} through ${target}, and direct queries to CoreDNS pods lose queries too (${epBad.map((b) => `${b.target.label ?? b.target.ip}: ${burstText(b)}`).join('; ')}). The loss is at the CoreDNS pods or on the way to them, not only in the Service NAT.${ct.text}`,
            evidenceRefs: [worst.id, ...epBad.map((b) => b.id), ...ct.refs],
            fixes: timeoutFixes(f, 'endpoint'),
            confidence: 0.8,
            decisive: { service: worst.target.ip, endpoints: epBad.map((b) => b.target.ip).sort(), path: 'endpoint' },
          }),
        ];
      }
      return [
        makeFinding(id, meta, 'loss-unlocalised', {
          severity: severityFor(share),
          explanation: `From ${f.podText}, ${burstText(worst)} through ${target}. No burst was sent to the CoreDNS pods directly, so dnswhy cannot tell whether the Service NAT or CoreDNS loses them.${ct.text}`,
          evidenceRefs: [worst.id, ...ct.refs],
          fixes: timeoutFixes(f, 'service'),
          confidence: 0.6,
          decisive: { service: worst.target.ip, path: 'unknown' },
        }),
      ];
    }
    if (epBad.length > 0) {
      const worst = epBad.reduce((a, b) => (badShare(b) >= badShare(a) ? b : a));
      return [
        makeFinding(id, meta, 'endpoint-loss', {
          severity: severityFor(badShare(worst)),
          explanation: `From ${f.podText}, direct queries to CoreDNS pods lose queries (${epBad.map((b) => `${b.target.label ?? b.target.ip}: ${burstText(b)}`).join('; ')})${svc.length > 0 ? ', while the burst through the DNS Service did not (the Service spread it over healthier replicas)' : ''}.${ct.text}`,
          evidenceRefs: [...epBad.map((b) => b.id), ...svc.map((b) => b.id), ...ct.refs],
          fixes: timeoutFixes(f, 'endpoint'),
          confidence: 0.7,
          decisive: { endpoints: epBad.map((b) => b.target.ip).sort(), path: 'endpoint' },
        }),
      ];
    }
    return [];
  },
});

export default intermittentTimeouts;
