/**
 * mixed-upstreams (seed 002): the upstreams CoreDNS forwards the name to disagree — some answer it,
 * some say NXDOMAIN. forward picks an upstream per query (random by default) and cache keeps the
 * negative answer for the SOA's negative TTL, so the name works for a while, then fails for a while.
 */
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { factsOf, type QueryView } from '../lib/facts.js';
import { corednsUpstreams } from '../lib/upstreams.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { internalZone } from '../lib/zone-forwarders.js';
import { refs } from '../lib/references.js';
import { mixedUpstreamFixes } from './fix.js';

const id = 'mixed-upstreams';

const meta: CheckMeta = {
  title: 'CoreDNS forwards to upstreams that disagree about the name',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.forward, refs.cache, refs.customDns],
  messages: {
    'upstreams-disagree': { severity: 'error', text: 'Some upstreams answer the name and others say it does not exist' },
  },
};

/** When every CoreDNS node's upstreams agree among themselves but nodes differ, the replica decides. */
function perNodeText(views: QueryView[], good: string[], bad: string[]): string | undefined {
  const byNode = new Map<string, Set<'good' | 'bad'>>();
  for (const v of views) {
    const kind = good.includes(v.resolver) ? 'good' : bad.includes(v.resolver) ? 'bad' : undefined;
    if (!kind) continue;
    for (const n of v.evidence.resolver.seenFromNodes ?? (v.node ? [v.node] : [])) byNode.set(n, (byNode.get(n) ?? new Set()).add(kind));
  }
  const uniform = [...byNode.values()].every((k) => k.size === 1);
  const badNodes = [...byNode].filter(([, k]) => k.has('bad')).map(([n]) => n);
  const goodNodes = [...byNode].filter(([, k]) => k.has('good')).map(([n]) => n);
  if (!uniform || badNodes.length === 0 || goodNodes.length === 0) return undefined;
  return `The disagreement is per node: CoreDNS replicas on ${listText(goodNodes)} forward to resolvers that know the name, those on ${listText(badNodes)} to resolvers that do not, so the answer depends on which replica the Service picks;`;
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** mixed-upstreams implements Check: the forward targets disagree about the name. */
export const mixedUpstreams = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const up = corednsUpstreams(f);
    if (!up.forwarded) return [];
    const positive = up.views.filter((v) => v.outcome === 'answer' && v.addresses.length > 0);
    const negative = up.views.filter((v) => v.outcome === 'answer' && (v.rcode === 'NXDOMAIN' || (v.rcode === 'NOERROR' && v.addresses.length === 0)));
    const good = uniq(positive.map((v) => v.resolver));
    const bad = uniq(negative.map((v) => v.resolver)).filter((r) => !good.includes(r));
    if (good.length === 0 || bad.length === 0) return [];
    const zone = internalZone(f.name, negative);
    const negTtl = Math.min(...negative.map((n) => (n.soa ? Math.min(n.soa.ttl, n.soa.minimum ?? n.soa.ttl) : Infinity)));
    const svc = f.queriesFor('dns-service').filter((q) => q.evidence.qtype === 'A');
    const svcText = svc.length > 0 ? ` In this run the DNS Service answered ${svc.map((q) => (q.addresses.length > 0 ? q.addresses.join(', ') : (q.rcode ?? q.outcome))).join(' / ')}.` : '';
    const nodes = uniq(up.views.flatMap((v) => v.evidence.resolver.seenFromNodes ?? (v.node ? [v.node] : [])));
    const explanation = [
      `CoreDNS (${listText(f.corednsPods.map((p) => `${p.name} on ${f.describeNode(p.node)}`))}) forwards ${f.name} to ${listText(up.forwardTo ?? uniq(up.views.map((v) => v.resolver)))}${up.policy ? ` (policy ${up.policy})` : ''}.`,
      `Asked one by one from ${listText(nodes)}: ${listText(good)} answer${good.length === 1 ? 's' : ''} ${listText(uniq(positive.flatMap((v) => v.addresses)))}, while ${listText(bad)} answer${bad.length === 1 ? 's' : ''} ${uniq(negative.map((v) => v.rcode ?? 'no data')).join('/')}${negative[0]?.soa ? ` with the SOA of ${negative[0].soa.owner}` : ''}.`,
      perNodeText(up.views, good, bad) ??
        `forward sends each query to one upstream, so the answer depends on which one it picks;`,
      `a negative answer is then cached${Number.isFinite(negTtl) ? ` (the upstream's SOA allows ${negTtl} s${up.cacheNote ? `; in this Corefile: ${up.cacheNote}` : ', capped by the cache plugin'})` : ''}, so the name works for a while, then fails for a while.${svcText}`,
    ].join(' ');
    // Prove the fix as a replica that forwards to a bad resolver sees it.
    const badNode = negative.flatMap((v) => v.evidence.resolver.seenFromNodes ?? (v.node ? [v.node] : [])).find((n) => f.corednsNodes.includes(n));
    const { fixes, notes } = mixedUpstreamFixes(f, zone, good, bad, nodes, badNode);
    return [
      makeFinding(id, meta, 'upstreams-disagree', {
        explanation: [explanation, ...notes].join(' '),
        cause: [
          `CoreDNS forwards ${f.name} to ${listText(good)}, which answer${good.length === 1 ? 's' : ''} ${listText(uniq(positive.flatMap((v) => v.addresses)))}, and to ${listText(bad)}, which answer${bad.length === 1 ? 's' : ''} ${uniq(negative.map((v) => v.rcode ?? 'no data')).join('/')}.`,
          `Each query goes to one of them, and a negative answer is cached${Number.isFinite(negTtl) ? ` (SOA allows ${negTtl} s)` : ''}, so the name works for a while, then fails for a while.`,
        ].join(' '),
        evidenceRefs: [...up.views.map((v) => v.evidence.id), ...svc.map((q) => q.evidence.id), ...(f.corefile ? [f.corefile.id] : [])],
        fixes,
        confidence: 0.95,
        decisive: { name: f.name, good: good.sort(), bad: bad.sort() },
      }),
    ];
  },
});

export default mixedUpstreams;
