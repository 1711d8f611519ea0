/**
 * The resolver-agreement matrix: resolv.conf settings (ndots, search list length, nameservers,
 * timeout and attempts, rotate, single-request, single-request-reopen, use-vc, edns0, trust-ad)
 * crossed with what the servers answer (an address, NXDOMAIN, NODATA, SERVFAIL, REFUSED, no answer,
 * a truncated UDP reply). Each case is run by real glibc, real musl and dnswhy's model of each.
 */
import type { Behaviour, Reply } from './logging-server.js';

export type CaseOutcome = 'answer' | 'nxdomain' | 'nodata' | 'servfail' | 'refused' | 'timeout' | 'truncation';

export interface AgreementCase {
  id: string;
  ndots: number;
  search: number;
  nameservers: number;
  timeout: number;
  attempts: number;
  flags: string[];
  outcome: CaseOutcome;
  /** Which servers show a server-side outcome (servfail, refused, timeout): the first, or all. */
  faulty?: 'first' | 'all';
  /** getent database: ahosts (A and AAAA) or ahostsv4. */
  db?: 'ahosts' | 'ahostsv4';
  /** In the CI share (fast, and covering each outcome once). */
  ci?: boolean;
}

/** The looked-up name (one dot: ndots decides whether it is tried as-is first). */
export const targetName = 'app.example';
export const targetAddress = '203.0.113.7';

const c = (id: string, o: Partial<AgreementCase> & { outcome: CaseOutcome }): AgreementCase => ({ id, ndots: 5, search: 3, nameservers: 1, timeout: 1, attempts: 2, flags: [], ...o });

export const cases: AgreementCase[] = [
  c('k8s-default-answer', { outcome: 'answer', ci: true }),
  c('ndots1-answer', { ndots: 1, outcome: 'answer' }),
  c('ndots2-answer', { ndots: 2, outcome: 'answer' }),
  c('no-search-answer', { search: 0, outcome: 'answer' }),
  c('six-search-answer', { search: 6, outcome: 'answer' }),
  c('ahostsv4-answer', { search: 2, outcome: 'answer', db: 'ahostsv4' }),
  c('nxdomain-everywhere', { outcome: 'nxdomain', ci: true }),
  c('nodata-target', { outcome: 'nodata', ci: true }),
  c('servfail-first-of-two', { ndots: 1, search: 2, nameservers: 2, outcome: 'servfail', faulty: 'first' }),
  c('servfail-only-server', { ndots: 1, search: 1, attempts: 1, outcome: 'servfail', faulty: 'all', ci: true }),
  c('servfail-all', { ndots: 1, search: 2, nameservers: 2, attempts: 1, outcome: 'servfail', faulty: 'all' }),
  c('refused-first-of-two', { ndots: 1, search: 0, nameservers: 2, outcome: 'refused', faulty: 'first', ci: true }),
  c('refused-only-server', { ndots: 1, search: 0, outcome: 'refused', faulty: 'all' }),
  c('timeout-first-of-two', { ndots: 1, search: 0, nameservers: 2, attempts: 1, outcome: 'timeout', faulty: 'first', ci: true }),
  c('timeout-first-of-three-attempts2', { ndots: 1, search: 0, nameservers: 3, outcome: 'timeout', faulty: 'first' }),
  c('timeout-all-search-walk', { search: 2, outcome: 'timeout', faulty: 'all' }),
  c('timeout2-attempts1-first-of-two', { ndots: 1, search: 0, nameservers: 2, timeout: 2, attempts: 1, outcome: 'timeout', faulty: 'first' }),
  c('truncation', { ndots: 1, search: 0, outcome: 'truncation', ci: true }),
  c('truncation-after-search', { search: 2, outcome: 'truncation' }),
  c('rotate-three', { ndots: 1, search: 0, nameservers: 3, flags: ['rotate'], outcome: 'answer' }),
  c('rotate-servfail-first', { ndots: 1, search: 1, nameservers: 2, flags: ['rotate'], outcome: 'servfail', faulty: 'first' }),
  c('single-request', { ndots: 1, search: 0, flags: ['single-request'], outcome: 'answer' }),
  c('single-request-reopen', { ndots: 1, search: 0, flags: ['single-request-reopen'], outcome: 'answer' }),
  c('single-request-reopen-timeout-first', { ndots: 1, search: 0, nameservers: 2, attempts: 1, flags: ['single-request-reopen'], outcome: 'timeout', faulty: 'first' }),
  c('use-vc', { ndots: 1, search: 1, flags: ['use-vc'], outcome: 'answer', ci: true }),
  c('use-vc-timeout-first', { ndots: 1, search: 0, nameservers: 2, attempts: 1, flags: ['use-vc'], outcome: 'timeout', faulty: 'first' }),
  c('use-vc-refused-first', { ndots: 1, search: 0, nameservers: 2, flags: ['use-vc'], outcome: 'refused', faulty: 'first' }),
  c('edns0', { ndots: 1, search: 0, flags: ['edns0'], outcome: 'answer', ci: true }),
  c('trust-ad', { ndots: 1, search: 0, flags: ['trust-ad'], outcome: 'answer', ci: true }),
  c('edns0-trust-ad-nxdomain', { search: 2, flags: ['edns0', 'trust-ad'], outcome: 'nxdomain' }),
];

/** Nameserver addresses of one runner (each runner has its own, so runs can go in parallel). */
export function serverIps(runner: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.53.${runner}.${i + 1}`);
}

export function resolvConf(k: AgreementCase, runner: number): string {
  const lines = serverIps(runner, k.nameservers).map((ip) => `nameserver ${ip}`);
  if (k.search > 0) lines.push(`search ${Array.from({ length: k.search }, (_, i) => `s${i + 1}.test`).join(' ')}`);
  lines.push(`options ndots:${k.ndots} timeout:${k.timeout} attempts:${k.attempts}${k.flags.map((f) => ` ${f}`).join('')}`);
  return `${lines.join('\n')}\n`;
}

/** What the servers answer in a case (search candidates are NXDOMAIN unless the fault says otherwise). */
export function behaviour(k: AgreementCase): Behaviour {
  return (server, qname, qtype): Reply => {
    const first = server.endsWith('.1');
    const faulty = k.faulty === 'all' || (k.faulty === 'first' && first);
    if (faulty && k.outcome === 'servfail') return { kind: 'servfail' };
    if (faulty && k.outcome === 'refused') return { kind: 'refused' };
    if (faulty && k.outcome === 'timeout') return { kind: 'drop' };
    if (qname !== `${targetName}.`) return { kind: 'nxdomain' };
    if (k.outcome === 'nxdomain') return { kind: 'nxdomain' };
    if (k.outcome === 'nodata' || qtype !== 'A') return { kind: 'nodata' };
    if (k.outcome === 'truncation') return { kind: 'truncate', address: targetAddress };
    return { kind: 'answer', address: targetAddress };
  };
}
