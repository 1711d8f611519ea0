/**
 * name-does-not-exist: the cluster DNS and every upstream say NXDOMAIN: the name exists nowhere
 * (usually a typo, or a Service in another namespace). Suggests the closest Service that exists.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { usesClusterDns } from '../lib/dns-policy.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { isUnder, listText } from '../lib/names.js';
import { refs } from '../lib/references.js';

const id = 'name-does-not-exist';

const meta: CheckMeta = {
  title: 'The name does not exist',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.dnsPodService, refs.resolvConf],
  messages: {
    'nxdomain-everywhere': { severity: 'error', text: 'The name does not exist in the cluster or upstream' },
  },
};

/** Services that the name probably meant: same name in other namespaces, else the closest names. */
export function suggestions(f: Facts): string[] {
  const svcs = f.services?.services ?? [];
  if (svcs.length === 0) return [];
  const domain = f.clusterDomain;
  const labels = f.name.split('.');
  const svcName = labels[0]!;
  const fq = (s: { name: string; namespace: string }) => `${s.name}.${s.namespace}.svc.${domain}`;
  const wantedNs = labels.length >= 2 ? labels[1] : f.pod.namespace;
  const sameName = svcs.filter((s) => s.name === svcName && s.namespace !== wantedNs);
  if (sameName.length > 0) return sameName.map(fq);
  const names = [...new Set(svcs.map((s) => s.name))];
  const best = closest(svcName, names);
  if (best === undefined || distance(svcName, best) > Math.max(1, Math.floor(svcName.length / 3))) return [];
  return svcs.filter((s) => s.name === best).map(fq);
}

/** name-does-not-exist implements Check: NXDOMAIN everywhere, with the closest existing Service. */
export const nameDoesNotExist = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const l = f.lookup;
    const svc = f.queriesFor('dns-service').filter((q) => q.evidence.qtype === 'A');
    // The lookup (every search candidate) is the decisive evidence; a direct query only counts for
    // names the search list does not expand.
    const lookupNx = l ? !l.result.ok && l.result.error === 'NXDOMAIN' : false;
    const directNx = !l && svc.length > 0 && svc.every((q) => q.rcode === 'NXDOMAIN');
    if (!lookupNx && !directNx) return [];
    // The lookup's NXDOMAIN is proof only when every name it tried was answered: when a search
    // candidate timed out, glibc gives up the search list and asks the name as written, whose
    // NXDOMAIN says nothing of the candidate that got no answer (the name may well exist there).
    if (lookupNx && l!.queries.some((q) => q.outcome !== 'answer')) return [];
    // A pod that does not ask the cluster DNS at all is pod-dns-policy's case.
    if (!usesClusterDns(f).uses) return [];
    // The cluster DNS Service, asked directly, knows the name (a Corefile hosts or template entry that no
    // upstream has): the NXDOMAIN came from something on the pod's path in front of it (NodeLocal DNSCache).
    if (svc.some((q) => q.outcome === 'answer' && q.addresses.length > 0)) return [];
    const ups = f.upstreamViews();
    if (ups.some((u) => u.outcome === 'answer' && u.addresses.length > 0)) return [];
    const cluster = isUnder(f.name, f.clusterDomain);
    const sugg = suggestions(f);
    const tried = l ? [...new Set(l.queries.map((q) => q.qname.replace(/\.$/, '')))] : [f.name];
    const upText = ups.length > 0 ? ` The upstream resolvers say the same (${[...new Set(ups.map((u) => `${u.resolver}: ${u.rcode ?? u.outcome}`))].join(', ')}).` : cluster ? '' : ' No upstream was asked directly.';
    const explanation = `${f.pod.namespace}/${f.pod.name} looked up ${f.name}: ${listText(tried)} ${tried.length > 1 ? 'all' : ''} came back NXDOMAIN from the cluster DNS.${upText}${sugg.length > 0 ? ` Did you mean ${listText(sugg, 'or')}?` : ''}`;
    return [
      makeFinding(id, meta, 'nxdomain-everywhere', {
        explanation: explanation.replace('  ', ' '),
        evidenceRefs: [...(l ? [l.id] : []), ...svc.map((q) => q.evidence.id), ...ups.map((u) => u.evidence.id), ...(f.services ? [f.services.id] : [])],
        fixes: [
          {
            kind: 'advice',
            title: sugg.length > 0 ? `Use ${sugg[0]}` : 'Check the name',
            blastRadius: 'The application\'s configuration only.',
            risk: 'low',
            steps: sugg.length > 0
              ? [`A Service with that name exists as ${listText(sugg, 'or')}; Services in other namespaces need the namespace in the name (${sugg[0]}).`]
              : [`No Service and no upstream record matches ${f.name}. Check the spelling, the namespace, and whether the record was created in DNS.`],
          },
        ],
        confidence: 0.85,
        decisive: { name: f.name, suggestions: sugg },
      }),
    ];
  },
});

export default nameDoesNotExist;
