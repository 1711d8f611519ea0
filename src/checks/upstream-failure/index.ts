/**
 * upstream-failure: the resolvers CoreDNS forwards the name to (or, for a pod with dnsPolicy Default,
 * the node's resolvers) time out or answer SERVFAIL/REFUSED.
 */
import { evidenceOfKind, type Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { LacksEvidenceError } from '../lacks-evidence.js';
import { factsOf, type QueryView } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { policiesDenyingDnsTo } from '../lib/network-policy.js';
import { corednsUpstreams } from '../lib/upstreams.js';
import { zoneForwarders } from '../lib/zone-forwarders.js';
import { shadowedForwards } from './shadowed-forward.js';

const id = 'upstream-failure';

const meta: CheckMeta = {
  title: 'Upstream resolvers fail',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.forward, refs.customDns],
  messages: {
    'all-upstreams-fail': { severity: 'error', text: 'Every upstream resolver fails for the name' },
    'some-upstreams-fail': { severity: 'warn', text: 'Some upstream resolvers fail for the name' },
  },
};

/** A failed upstream answer: no reply, or SERVFAIL/REFUSED. */
export function failed(v: QueryView): boolean {
  return v.outcome !== 'answer' || v.rcode === 'SERVFAIL' || v.rcode === 'REFUSED';
}

function viewText(v: QueryView): string {
  const what = v.outcome !== 'answer' ? `${v.outcome}${v.evidence.error ? ` (${v.evidence.error})` : ''} after ${Math.round(v.evidence.latencyMs)} ms` : v.addresses.length > 0 ? v.addresses.join(', ') : (v.rcode ?? 'answer');
  return `${v.resolver}${v.node ? ` from ${v.node}` : ''}: ${what}`;
}

/** upstream-failure implements Check: upstreams time out or answer SERVFAIL/REFUSED. */
export const upstreamFailure = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const viaCoredns = f.pod.dnsPolicy !== 'Default';
    const up = viaCoredns ? corednsUpstreams(f) : undefined;
    // A loopback resolver asked from a probe pod is the probe's own loopback, not the node's stub resolver:
    // its silence says nothing about the upstream (a CoreDNS that forwards there loops: coredns-crash-loop).
    // A node-view probe whose namespace's NetworkPolicies deny it DNS to the resolver saw the policy,
    // not the resolver (CoreDNS and the node are not bound by them): its failure proves nothing.
    const policyBound = (v: QueryView): boolean => {
      const from = v.evidence.from;
      return from.kind === 'node' && from.probePod !== undefined && failed(v) && policiesDenyingDnsTo(f, from.probePod, v.resolver).policies.length > 0;
    };
    const views = (up ? up.views : f.upstreamsSeenFrom(f.pod.node)).filter((v) => !v.resolver.startsWith('127.') && v.resolver !== '::1' && !policyBound(v));
    if (views.length === 0) {
      // Nothing was asked of any upstream although the name goes to one (not answered inside CoreDNS).
      if (f.upstreamViews().length === 0 && (up === undefined || up.forwarded)) throw new LacksEvidenceError('query to an upstream resolver');
      return [];
    }
    const bad = views.filter(failed);
    if (bad.length === 0) return [];
    // Forward targets that refuse a zone another resolver answers lack the zone (forwarders-lack-zone):
    // they are not down, they are the wrong resolvers for it.
    if (up && bad.every((v) => v.rcode === 'REFUSED') && zoneForwarders(f)) return [];
    const good = views.filter((v) => !failed(v));
    // CoreDNS itself got the name answered by its upstreams (an address through the Service or an endpoint),
    // so they are not all down: the probes that asked them saw their own path fail (an egress policy of the
    // namespace they ran in, a firewall for pods but not for CoreDNS), which says nothing about the upstreams.
    const answeredViaCoredns = viaCoredns && [...f.queriesFor('dns-service'), ...f.queriesFor('coredns-endpoint')].some((q) => q.outcome === 'answer' && q.rcode === 'NOERROR' && q.addresses.length > 0);
    if (good.length === 0 && answeredViaCoredns) return [];
    const badResolvers = [...new Set(bad.map((v) => v.resolver))];
    const goodResolvers = [...new Set(good.map((v) => v.resolver))].filter((r) => !badResolvers.includes(r));
    const metrics = evidenceOfKind(f.evidence, 'metrics');
    const servfails = metrics.flatMap((m) => Object.entries(m.metrics.forwardResponsesByRcode).map(([to, rc]) => ({ pod: m.pod, to, n: rc['SERVFAIL'] ?? 0 }))).filter((x) => x.n > 0);
    const hc = metrics.flatMap((m) => Object.entries(m.metrics.healthcheckFailures).map(([to, n]) => ({ pod: m.pod, to, n }))).filter((x) => x.n > 0);
    const metricText = [
      servfails.length > 0 ? `CoreDNS metrics count SERVFAIL from upstreams (${servfails.map((x) => `${x.pod} → ${x.to}: ${x.n}`).join(', ')})` : '',
      hc.length > 0 ? `forward health checks failed (${hc.map((x) => `${x.pod} → ${x.to}: ${x.n}`).join(', ')})` : '',
    ].filter(Boolean).join('; ');
    const who = viaCoredns ? `The upstreams CoreDNS forwards ${f.queryName} to` : `The node resolvers ${f.pod.namespace}/${f.pod.name} uses (dnsPolicy Default)`;
    const all = goodResolvers.length === 0;
    const shadowed = viaCoredns ? shadowedForwards(f) : [];
    const shadowText = shadowed.length > 0
      ? ` ${listText(shadowed)} never sees ${f.queryName}: forward stanzas are chained in Corefile order and the first one whose zone covers the name serves it, so a later forward (an imported override) cannot replace it.`
      : '';
    const explanation = `${who}, asked one by one: ${views.map(viewText).join('; ')}. ${all ? 'None of them answers, so the name cannot resolve' : `${listText(badResolvers)} fail${badResolvers.length === 1 ? 's' : ''} while ${listText(goodResolvers)} answer${goodResolvers.length === 1 ? 's' : ''}: the queries sent to the failing ones fail or wait for a retry`}.${metricText ? ` ${metricText}.` : ''}${shadowText}`;
    return [
      makeFinding(id, meta, all ? 'all-upstreams-fail' : 'some-upstreams-fail', {
        explanation,
        evidenceRefs: [...views.map((v) => v.evidence.id), ...metrics.map((m) => m.id)],
        fixes: [
          {
            kind: 'advice',
            title: 'Restore or replace the failing upstream resolvers',
            blastRadius: viaCoredns ? 'Every external name the cluster resolves.' : 'This pod and anything else on the node using those resolvers.',
            risk: 'medium',
            steps: [
              `Check ${listText(badResolvers)} from the node: reachability on UDP/TCP 53, rate limits, and whether it serves ${f.queryName}'s zone (REFUSED means it will not recurse for this client).`,
              all ? 'Add a working resolver to the node\'s resolv.conf or to the Corefile\'s forward list.' : 'Remove the failing resolvers from the list CoreDNS forwards to (node resolv.conf or the forward line), or set forward\'s health_check so failing ones are skipped quickly.',
              ...(shadowed.length > 0
                ? ['A second forward for the same zone later in the block does not take over: change the first one, or the resolv.conf it reads (kubelet resolvConf; on k3s the --resolv-conf flag), and remove the shadowed one.']
                : []),
            ],
          },
        ],
        confidence: all ? 0.9 : 0.6,
        decisive: { name: f.queryName, bad: badResolvers.sort(), good: goodResolvers.sort() },
      }),
    ];
  },
});

export default upstreamFailure;
