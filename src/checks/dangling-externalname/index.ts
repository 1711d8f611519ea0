/**
 * dangling-externalname: the name is a Service of type ExternalName, the cluster DNS answers its CNAME
 * to the externalName and no address, and the cluster DNS says the externalName itself does not exist
 * (NXDOMAIN) or has no address (NODATA). The Service points at a name that is gone (a retired host, a
 * typo, a database endpoint that was recreated under a new name); fixing DNS elsewhere changes nothing.
 */
import type { DnsQueryEvidence, Finding, ServiceFacts } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { usesClusterDns } from '../lib/dns-policy.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { normName } from '../lib/names.js';
import { refs } from '../lib/references.js';

const id = 'dangling-externalname';

const meta: CheckMeta = {
  title: 'An ExternalName Service points at a name that does not resolve',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.externalName, refs.dnsPodService],
  messages: {
    'target-does-not-exist': { severity: 'error', text: 'The ExternalName Service points at a name that does not exist' },
    'target-has-no-address': { severity: 'error', text: 'The ExternalName Service points at a name that has no address' },
  },
};

/** A reply the cluster DNS gave for the Service's own name: a CNAME to `target` without an address. */
interface CnameOnly {
  ref: string;
  qname: string;
}

const isAddress = (s: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');

/** Where the cluster DNS answered the Service's name with its CNAME and no address: a direct query, or a query of the lookup. */
function cnameOnlyReplies(f: Facts, fqdn: string, target: string): CnameOnly[] {
  const direct = f.queries
    .filter((q) => q.resolver.role === 'dns-service' && q.outcome === 'answer' && q.rcode === 'NOERROR' && normName(q.qname) === fqdn)
    .filter((q) => q.answers.some((a) => a.type === 'CNAME' && normName(a.data) === target) && !q.answers.some((a) => a.type === 'A' || a.type === 'AAAA'))
    .map((q) => ({ ref: q.id, qname: fqdn }));
  const l = f.lookup;
  const inLookup =
    l && !l.result.ok && l.queries.some((q) => q.outcome === 'answer' && q.rcode === 'NOERROR' && normName(q.qname) === fqdn && q.answers.some((a) => normName(a) === target) && !q.answers.some(isAddress))
      ? [{ ref: l.id, qname: fqdn }]
      : [];
  return [...direct, ...inLookup];
}

/** The cluster DNS's own answer for the target: NXDOMAIN, or NOERROR without an address; anything else proves nothing. */
function targetVerdict(f: Facts, target: string): { q: DnsQueryEvidence; missing: 'nxdomain' | 'nodata' } | undefined {
  const asked = f.purposeQueries.filter((q) => q.purpose === 'cname-target' && q.resolver.role === 'dns-service' && normName(q.qname) === target && q.outcome === 'answer');
  const nx = asked.find((q) => q.rcode === 'NXDOMAIN');
  if (nx) return { q: nx, missing: 'nxdomain' };
  const nodata = asked.find((q) => q.rcode === 'NOERROR' && !q.answers.some((a) => a.type === 'A' || a.type === 'AAAA'));
  return nodata ? { q: nodata, missing: 'nodata' } : undefined;
}

function fixSteps(svc: ServiceFacts, target: string, missing: 'nxdomain' | 'nodata', ttl: number | undefined): string[] {
  const patch = JSON.stringify({ spec: { externalName: 'NEW-HOST-NAME' } });
  return [
    `Set the Service's externalName to the host name that serves it now: kubectl -n ${svc.namespace} patch service ${svc.name} --type merge -p '${patch}' (a host name, not an IP: the cluster DNS answers it as a CNAME).`,
    missing === 'nxdomain'
      ? `If ${target} should exist, create its record in the zone that owns it; if it lives in a private zone, the cluster DNS must be able to ask a resolver that knows that zone (kubectl -n kube-system get configmap coredns: its forward lines).`
      : `If ${target} should have an address, add its A (or AAAA) record in the zone that owns it.`,
    ...(ttl !== undefined ? [`CoreDNS may keep answering the old CNAME for up to ${ttl} s after the change (the TTL its cache holds it for).`] : []),
    `Check with: kubectl run -it --rm dnscheck --image=busybox:1.36 --restart=Never -- nslookup ${svc.name}.${svc.namespace}`,
  ];
}

/** dangling-externalname implements Check: an ExternalName Service's target does not resolve. */
export const danglingExternalname = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    if (!f.services || !usesClusterDns(f).uses) return [];
    const domain = f.clusterDomain;
    const out: Finding[] = [];
    for (const svc of f.services.services) {
      if (svc.type !== 'ExternalName' || !svc.externalName || isAddress(svc.externalName)) continue;
      const fqdn = `${svc.name}.${svc.namespace}.svc.${domain}`.toLowerCase();
      const target = normName(svc.externalName);
      const replies = cnameOnlyReplies(f, fqdn, target);
      const ttls = f.queries.filter((q) => normName(q.qname) === fqdn).flatMap((q) => q.answers.filter((a) => a.type === 'CNAME').map((a) => a.ttl));
      if (replies.length === 0) continue;
      const verdict = targetVerdict(f, target);
      if (!verdict) continue;
      const said = verdict.missing === 'nxdomain' ? 'does not exist (NXDOMAIN)' : 'exists but has no address record (NOERROR, no A)';
      const lookupText = f.lookup && !f.lookup.result.ok ? ` The lookup of ${f.name} from ${f.pod.namespace}/${f.pod.name} failed with ${f.lookup.result.error ?? 'an error'}.` : '';
      out.push(
        makeFinding(id, meta, verdict.missing === 'nxdomain' ? 'target-does-not-exist' : 'target-has-no-address', {
          explanation:
            `${svc.namespace}/${svc.name} is a Service of type ExternalName whose externalName is ${target}. The cluster DNS answers ${fqdn} with a CNAME to ${target} and no address, ` +
            `and asked for ${target} itself it says the name ${said}.${lookupText} Nothing is wrong with the cluster DNS: the Service points at a name that is gone or mistyped.`,
          cause: `The ExternalName Service ${svc.namespace}/${svc.name} points at ${target}, which ${said}. The cluster DNS answers the Service's name with that CNAME and no address, so the lookup gets nothing.`,
          evidenceRefs: [...new Set([...replies.map((r) => r.ref), verdict.q.id, f.services.id])],
          fixes: [{ kind: 'advice', title: `Point ${svc.namespace}/${svc.name} at a host name that resolves`, blastRadius: `The clients of ${svc.namespace}/${svc.name} only.`, risk: 'low', scope: 'workload', steps: fixSteps(svc, target, verdict.missing, ttls.length > 0 ? Math.max(...ttls) : undefined) }],
          confidence: 0.9,
          decisive: { service: `${svc.namespace}/${svc.name}`, target, missing: verdict.missing },
        }),
      );
    }
    return out;
  },
});

export default danglingExternalname;
