/**
 * search-path-amplification (seed 001 tips): ndots and the search list turn one lookup into N
 * queries, and the name is answered only after N−1 NXDOMAINs. Reported as a warning only when it
 * hurts (the wasted queries leave the cluster, time out, are slow, or are many); otherwise info, so
 * that every ordinary external lookup with the Kubernetes defaults is not a warning.
 */
import type { Finding, StubQuery } from '../../core/model/index.js';
import { countDots } from '../../core/resolver/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { LacksEvidenceError } from '../lacks-evidence.js';
import { factsOf } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { isUnder, listText, normName } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { searchSuffixWin } from '../lib/search-suffix.js';
import { amplificationFixes } from './fix.js';
import { median } from '../../core/median.js';

const id = 'search-path-amplification';

/**
 * When a wasted query costs enough to be a warning. A query that leaves the cluster and takes this long
 * waits on a far resolver on every lookup (seed 001: 400 ms to a VPC resolver); one answered in
 * milliseconds costs nothing worth waking anyone for.
 */
export const slowLeavingQueryMs = 300;
/**
 * In-cluster NXDOMAINs normally take a few milliseconds, and a loaded node (or a cold first query) can
 * stretch one to hundreds: only a wait this long is a real cost (a retry, a lost packet). The same bar
 * applies to the whole wait before the name as written is first asked.
 */
export const slowQueryMs = 1000;

const meta: CheckMeta = {
  title: 'The search list turns one lookup into many queries',
  severity: 'warn',
  docsUrl: docsUrlFor(id),
  references: [refs.resolvConf, refs.podDnsConfig, refs.autopath],
  messages: {
    'amplified-hurts': { severity: 'warn', text: 'The search list sends queries that fail before the name is tried as written, and it costs time' },
    'amplified': { severity: 'info', text: 'The search list sends queries that fail before the name is tried as written' },
  },
};

function qText(q: StubQuery): string {
  const res = q.outcome === 'answer' ? (q.answers.length > 0 ? q.answers.join(', ') : (q.rcode ?? 'answer')) : q.outcome;
  return `${normName(q.qname)} ${q.qtype} → ${res} (${Math.round(q.latencyMs)} ms)`;
}

/** search-path-amplification implements Check: the search list multiplies queries. */
export const searchPathAmplification = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const l = f.lookup;
    if (!l) throw new LacksEvidenceError("lookup of the name through the pod's resolv.conf");
    if (!l.result.ok || l.queries.length === 0) return [];
    // The search list did more than waste queries: a suffixed name answered (search-suffix-wins).
    if (searchSuffixWin(f)) return [];
    const candidates = [...new Set(l.queries.map((q) => normName(q.qname)))];
    const winnerName = l.result.finalName ? normName(l.result.finalName) : normName(l.queries.find((q) => q.outcome === 'answer' && q.answers.length > 0)?.qname ?? '');
    const wi = candidates.indexOf(winnerName);
    if (wi < 2) return [];
    const wasted = candidates.slice(0, wi);
    const wastedQueries = l.queries.filter((q) => wasted.includes(normName(q.qname)));
    const winnerStart = Math.min(...l.queries.filter((q) => normName(q.qname) === winnerName).map((q) => q.atMs));
    const firstStart = Math.min(...l.queries.map((q) => q.atMs));
    const delay = Math.max(0, winnerStart - firstStart);
    const domain = f.clusterDomain;
    const leaving = wasted.filter((n) => !isUnder(n, domain));
    const failed = wastedQueries.filter((q) => q.outcome !== 'answer');
    const reasons: string[] = [];
    if (failed.length > 0) reasons.push(`${failed.length} of the wasted queries did not get an answer at all (${failed.map((q) => `${normName(q.qname)} ${q.qtype} ${q.outcome}`).join(', ')})`);
    // A query that leaves the cluster costs what it takes beyond CoreDNS answering one itself: on a
    // busy node every query is slower, and the in-cluster ones of the same lookup show by how much.
    const inCluster = wastedQueries.filter((q) => q.outcome === 'answer' && isUnder(q.qname, domain)).map((q) => q.latencyMs);
    const localMs = median(inCluster);
    const slow = wastedQueries.filter((q) => q.outcome === 'answer' && (isUnder(q.qname, domain) ? q.latencyMs >= slowQueryMs : q.latencyMs - localMs >= slowLeavingQueryMs));
    // Likewise the wait before the name as written: what the wasted names took beyond one in-cluster
    // answer each (they are asked one after the other).
    const excessDelay = delay - wasted.length * localMs;
    if (slow.length > 0 || excessDelay >= slowQueryMs) {
      const shown = (slow.length > 0 ? slow : [...wastedQueries].filter((q) => q.outcome === 'answer').sort((a, b) => b.latencyMs - a.latencyMs)).slice(0, 2);
      reasons.push(`the name was first tried as written only after ${Math.round(delay)} ms${shown.length > 0 ? ` (${shown.map((q) => `${normName(q.qname)} ${q.qtype} took ${Math.round(q.latencyMs)} ms`).join(', ')})` : ''}`);
    }
    if (leaving.length > 0 && reasons.length > 0) reasons.push(`${listText(leaving)} ${leaving.length > 1 ? 'are' : 'is'} outside ${domain}, so CoreDNS forwards ${leaving.length > 1 ? 'them' : 'it'} to the upstream resolver on every lookup`);
    const hurts = reasons.length > 0;
    const ndots = f.resolvConf?.options.ndots;
    const dots = countDots(f.name);
    const conf = ndots !== undefined ? `ndots:${ndots} and ${f.resolvConf!.search.length} search domains (${f.resolvConf!.search.join(' ')})` : 'the pod\'s ndots and search list';
    const explanation = [
      `${f.name} has ${dots} dot${dots === 1 ? '' : 's'}, fewer than ${ndots !== undefined ? `ndots:${ndots}` : 'ndots'}, so with ${conf} the ${l.libc} resolver in ${f.pod.namespace}/${f.pod.name} tries every search suffix first: ${l.queries.length} queries, and the answer came only from the ${ordinal(wi + 1)} name.`,
      `Queries: ${l.queries.map(qText).join('; ')}.`,
      hurts
        ? `This costs: ${reasons.join('; ')}.`
        : leaving.length > 0
          ? `${listText(leaving)} left the cluster, but every wasted query was answered within ${Math.round(Math.max(...wastedQueries.map((q) => q.latencyMs)))} ms and the name was tried as written ${Math.round(delay)} ms after the first query, so this costs little: worth tidying, not an outage.`
          : `All wasted queries stayed inside ${domain} and were answered at once (${Math.round(delay)} ms before the real name), so this is only overhead.`,
    ].join(' ');
    return [
      makeFinding(id, meta, hurts ? 'amplified-hurts' : 'amplified', {
        explanation,
        cause: [
          `With ${ndots !== undefined ? `ndots:${ndots}` : "the pod's ndots"}, ${f.name} (${dots} dot${dots === 1 ? '' : 's'}) is tried with every search suffix first: ${l.queries.length} queries, and the answer came from the ${ordinal(wi + 1)} name after ${Math.round(delay)} ms.`,
          hurts ? `This costs: ${reasons[0]}.` : `The wasted queries stayed inside ${domain}, so this is only overhead.`,
        ].join(' '),
        evidenceRefs: [l.id, ...(f.resolvConfEvidence ? [f.resolvConfEvidence.id] : [])],
        fixes: amplificationFixes(f, dots),
        confidence: hurts ? 0.8 : 0.5,
        decisive: { name: f.name, wasted, leaving, failed: failed.length > 0 },
      }),
    ];
  },
});

function ordinal(n: number): string {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
}

export default searchPathAmplification;
