/**
 * forwarders-lack-zone: CoreDNS forwards a private zone (a cloud private DNS zone, a company zone) to
 * resolvers that do not know it, so the name gets NXDOMAIN or REFUSED, while a resolver the cluster
 * reaches (a node's own resolver) answers it. The fix routes that zone to the resolvers that know it.
 */
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { usesClusterDns } from '../lib/dns-policy.js';
import { factsOf, type QueryView } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { zoneForwarders } from '../lib/zone-forwarders.js';
import { forwardersLackZoneFixes } from './fix.js';

const id = 'forwarders-lack-zone';

const meta: CheckMeta = {
  title: 'CoreDNS forwards the zone to resolvers that do not know it',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.forward, refs.serverBlocks, refs.customDns],
  messages: {
    'zone-unknown-to-forwarders': { severity: 'error', text: 'CoreDNS forwards the name to resolvers that do not know its zone, while another resolver answers it' },
  },
};

function answerText(v: QueryView): string {
  return v.addresses.length > 0 ? listText(v.addresses) : v.rcode === 'NOERROR' ? 'no data' : (v.rcode ?? v.outcome);
}

function grouped(views: QueryView[]): string {
  const by = new Map<string, Set<string>>();
  for (const v of views) by.set(v.resolver, (by.get(v.resolver) ?? new Set()).add(answerText(v)));
  return [...by].map(([r, a]) => `${r}: ${[...a].join('/')}`).join('; ');
}

/** forwarders-lack-zone implements Check: the forward targets lack the zone another resolver serves. */
export const forwardersLackZone = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    if (!usesClusterDns(f).uses) return [];
    // The pod's lookup (or the DNS Service) must have failed: a name that works is not this case.
    const svc = f.queriesFor('dns-service').filter((q) => q.evidence.qtype === 'A');
    const failed = f.lookup ? !f.lookup.result.ok : svc.length > 0 && svc.every((q) => q.addresses.length === 0);
    if (!failed) return [];
    const z = zoneForwarders(f);
    if (!z) return [];
    const knowers = [...new Set(z.knowing.map((v) => v.resolver))];
    const nodes = [...new Set(z.knowing.flatMap((v) => v.evidence.resolver.seenFromNodes ?? (v.node ? [v.node] : [])))];
    const svcText = svc.length > 0 ? ` Through the DNS Service the pod got ${[...new Set(svc.map(answerText))].join('/')}.` : '';
    const { fixes, notes } = forwardersLackZoneFixes(f, z);
    const explanation = [
      `CoreDNS forwards ${f.queryName} to ${listText(z.forwardTo)}; asked one by one they answer ${grouped(z.lacking)}: they do not serve ${z.zone}.`,
      `${listText(knowers)}, asked from ${listText(nodes)}, answer${knowers.length === 1 ? 's' : ''} ${grouped(z.knowing)}, so the zone exists, only not where CoreDNS looks for it.${svcText}`,
      ...notes,
    ].join(' ');
    return [
      makeFinding(id, meta, 'zone-unknown-to-forwarders', {
        explanation,
        cause: [
          `CoreDNS forwards ${f.queryName} to ${listText(z.forwardTo)}, which answer ${[...new Set(z.lacking.map(answerText))].join('/')}: they do not know ${z.zone}.`,
          `${listText(knowers)} ${knowers.length === 1 ? 'knows' : 'know'} it (${listText([...new Set(z.knowing.flatMap((v) => v.addresses))])}); forward ${z.zone} there.`,
        ].join(' '),
        evidenceRefs: [...z.lacking.map((v) => v.evidence.id), ...z.knowing.map((v) => v.evidence.id), ...svc.map((q) => q.evidence.id), ...(f.lookup ? [f.lookup.id] : []), ...(f.corefile ? [f.corefile.id] : [])],
        fixes,
        confidence: z.fromCorednsNodes.length > 0 ? 0.9 : 0.7,
        decisive: { zone: z.zone, lacking: [...new Set(z.lacking.map((v) => v.resolver))].sort(), knowing: knowers.sort() },
      }),
    ];
  },
});

export default forwardersLackZone;
