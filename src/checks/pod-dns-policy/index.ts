/**
 * pod-dns-policy: the pod's dnsPolicy / dnsConfig / hostNetwork make it skip the cluster DNS, so
 * cluster names (Services) do not resolve; or a non-default policy is in effect and its consequence
 * is worth saying.
 */
import type { Finding } from '../../core/model/index.js';
import { usesClusterDns } from '../lib/dns-policy.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { isUnder, listText } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { dnsPolicyFix } from '../lib/workload.js';

const id = 'pod-dns-policy';

const meta: CheckMeta = {
  title: 'The pod\'s DNS policy skips the cluster DNS',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.podDnsConfig],
  messages: {
    'skips-cluster-dns': { severity: 'error', text: 'The pod does not use the cluster DNS, so cluster names cannot resolve' },
    'not-cluster-dns': { severity: 'info', text: 'The pod does not use the cluster DNS' },
  },
};

/** A name only the cluster DNS can answer: under the cluster domain, or "svc" / "svc.ns" of a known Service. */
export function isClusterName(f: Facts): boolean {
  if (isUnder(f.name, f.clusterDomain)) return true;
  const labels = f.name.split('.');
  const svcs = f.services?.services ?? [];
  if (labels.length === 1) return svcs.some((s) => s.name === labels[0] && s.namespace === f.pod.namespace);
  if (labels.length === 2) return svcs.some((s) => s.name === labels[0] && s.namespace === labels[1]);
  if (labels.length >= 3 && labels[2] === 'svc') return svcs.some((s) => s.name === labels[0] && s.namespace === labels[1]);
  return false;
}

/** pod-dns-policy implements Check: the pod's DNS policy skips the cluster DNS. */
export const podDnsPolicy = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const u = usesClusterDns(f);
    if (u.uses) return [];
    const p = f.pod;
    const lookupText = f.lookup ? (f.lookup.result.ok ? ` The lookup returned ${listText(f.lookup.result.addresses)}.` : ` The lookup failed with ${f.lookup.result.error ?? 'an error'}.`) : '';
    const refs = [...(f.resolvConfEvidence ? [f.resolvConfEvidence.id] : []), ...(f.lookup ? [f.lookup.id] : []), ...(f.endpoints ? [f.endpoints.id] : [])];
    const wanted = p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst';
    if (isClusterName(f) && !(f.lookup?.result.ok ?? false)) {
      const fix = dnsPolicyFix(p, wanted, { title: `Set dnsPolicy ${wanted} on the workload`, changes: `dnsPolicy ${p.dnsPolicy} → ${wanted}: the pods get the cluster DNS Service as nameserver and the cluster search list`, risk: 'low' });
      return [
        makeFinding(id, meta, 'skips-cluster-dns', {
          explanation: `${p.namespace}/${p.name} does not ask the cluster DNS: ${u.why}. ${f.name} is a cluster name that only CoreDNS knows, so the node's resolvers cannot answer it.${lookupText}`,
          evidenceRefs: refs,
          fixes: fix ? [fix] : [{ kind: 'advice', title: `Use dnsPolicy ${wanted}`, blastRadius: 'This pod only.', risk: 'low', steps: [`Recreate the pod with dnsPolicy ${wanted} (it has no owning workload to patch).`] }],
          confidence: 0.9,
          decisive: { policy: p.dnsPolicy, hostNetwork: p.hostNetwork, nameservers: [...u.nameservers].sort() },
        }),
      ];
    }
    return [
      makeFinding(id, meta, 'not-cluster-dns', {
        explanation: `${p.namespace}/${p.name} does not ask the cluster DNS: ${u.why}. External names resolve through those resolvers directly; cluster Service names will not resolve from this pod.${lookupText}`,
        evidenceRefs: refs,
        confidence: 0.5,
        decisive: { policy: p.dnsPolicy, hostNetwork: p.hostNetwork, nameservers: [...u.nameservers].sort() },
      }),
    ];
  },
});

export default podDnsPolicy;
