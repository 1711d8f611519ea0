/**
 * no-ready-dns-endpoints: the DNS Service has no ready endpoints, or CoreDNS pods are not ready or
 * crash-looping. With none ready every lookup through the Service times out.
 */
import type { CorednsPod, EndpointsEvidence, Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { refs } from '../lib/references.js';
import { selectorMismatch } from './selector.js';

const id = 'no-ready-dns-endpoints';

const meta: CheckMeta = {
  title: 'The DNS Service has no ready CoreDNS endpoints',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.dnsDebugging],
  messages: {
    'no-ready-endpoints': { severity: 'error', text: 'The DNS Service has no ready endpoints' },
    'selector-matches-nothing': { severity: 'error', text: "The DNS Service's selector matches none of the CoreDNS pods" },
    'some-not-ready': { severity: 'warn', text: 'Some CoreDNS pods are not ready or keep restarting' },
    'endpoints-unknown': { severity: 'info', text: 'Could not read the DNS Service endpoints' },
  },
};

function podText(p: CorednsPod, f: Facts): string {
  const state = [p.ready ? 'ready' : 'not ready', p.phase, p.waitingReason, p.restarts > 0 ? `${p.restarts} restarts` : undefined].filter(Boolean).join(', ');
  return `${p.name} on ${f.describeNode(p.node)}: ${state}`;
}

function loopHint(f: Facts): string | undefined {
  if (!f.corefile || !/^\s*loop\s*$/m.test(f.corefile.text) || !/forward\s+\.\s+\/etc\/resolv\.conf/.test(f.corefile.text)) return undefined;
  const loopy = f.corednsNodes.filter((n) => (f.nodeNameservers(n) ?? []).some((ip) => ip.startsWith('127.')));
  if (loopy.length === 0) return undefined;
  return `The Corefile forwards to /etc/resolv.conf and has the loop plugin, and the resolv.conf of ${loopy.join(', ')} lists a loopback nameserver (${[...new Set(loopy.flatMap((n) => (f.nodeNameservers(n) ?? []).filter((ip) => ip.startsWith('127.'))))].join(', ')}): CoreDNS would forward to itself, loop detects it and exits, so the pods crash-loop. Point kubelet's resolvConf at the real file (e.g. /run/systemd/resolve/resolv.conf) or forward to explicit upstreams.`;
}

function steps(f: Facts): string[] {
  const ns = f.corednsPods[0]?.namespace ?? f.endpoints?.service.namespace ?? 'kube-system';
  const out = [
    `kubectl -n ${ns} get pods -l k8s-app=kube-dns -o wide, then kubectl -n ${ns} describe pod and kubectl -n ${ns} logs --previous for the failing pods.`,
    'Check that the CoreDNS Deployment has replicas and that its pods can be scheduled (taints, resources, PodDisruptionBudget).',
  ];
  const hint = loopHint(f);
  if (hint) out.unshift(hint);
  return out;
}

/** The CoreDNS pods as the evidence shows them, and a Service without a selector (nothing writes its endpoints but whoever made them). */
function podsSentence(f: Facts, ep: EndpointsEvidence): string {
  const pods = f.corednsPods;
  const byImage = ep.corednsImagePods;
  const unselected = Object.keys(ep.service.selector ?? {}).length === 0 ? ' The Service has no selector, so no controller writes its EndpointSlices: those written for it by hand (or by another tool) list no ready address.' : '';
  if (pods.length > 0) return `CoreDNS pods: ${pods.map((p) => podText(p, f)).join('; ')}.${unselected}`;
  if (byImage?.length === 0) return `No pod in ${ep.service.namespace} runs a CoreDNS image: the CoreDNS Deployment is scaled to zero, or its pods cannot be created.${unselected}`;
  if (byImage && byImage.length > 0) return `Pods that run CoreDNS: ${byImage.map((p) => `${p.name} on ${f.describeNode(p.node)} (${p.ready ? 'ready' : 'not ready'})`).join('; ')}.${unselected}`;
  return `No CoreDNS pods were found.${unselected}`;
}

/** What the pod's queries to the Service address met, as measured: kube-proxy rejects a Service without endpoints at once, a stale rule drops. */
function serviceFailure(f: Facts): string {
  const outcomes = new Set(f.queriesFor('dns-service').map((q) => q.evidence.outcome));
  if (outcomes.size === 1 && outcomes.has('refused')) return 'is refused at once (kube-proxy rejects traffic to a Service without endpoints)';
  return 'goes nowhere and times out';
}

/** no-ready-dns-endpoints implements Check: no (or not all) CoreDNS endpoints ready. */
export const noReadyDnsEndpoints = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const ep = f.endpoints;
    if (!ep) {
      const pe = f.probeErrorsAbout('endpoint', 'service', 'coredns pods');
      if (pe.length === 0) return [];
      return [
        makeFinding(id, meta, 'endpoints-unknown', {
          explanation: `dnswhy could not read the DNS Service's endpoints (${pe.map((p) => `${p.what}: ${p.reason}`).join('; ')}), so it cannot tell whether CoreDNS is ready.`,
          evidenceRefs: pe.map((p) => p.id),
          confidence: 0.2,
          decisive: { probe: pe.map((p) => p.probe).sort() },
        }),
      ];
    }
    const ready = ep.endpoints.filter((e) => e.ready);
    const svc = `${ep.service.namespace}/${ep.service.name}${ep.service.clusterIP ? ` (${ep.service.clusterIP})` : ''}`;
    const pods = f.corednsPods;
    if (ready.length === 0) {
      const failure = serviceFailure(f);
      const mismatch = selectorMismatch(ep);
      if (mismatch) {
        return [
          makeFinding(id, meta, 'selector-matches-nothing', {
            explanation: `${mismatch.text} Every lookup through the Service ${failure}.`,
            cause: `${mismatch.cause} Every lookup through it ${failure}.`,
            evidenceRefs: [ep.id, ...f.queriesFor('dns-service').map((q) => q.evidence.id)],
            fixes: [mismatch.fix],
            confidence: 0.95,
            decisive: { service: svc, ...mismatch.decisive },
          }),
        ];
      }
      const hint = loopHint(f);
      return [
        makeFinding(id, meta, 'no-ready-endpoints', {
          explanation: `The DNS Service ${svc} has ${ep.endpoints.length === 0 ? 'no endpoints at all' : `${ep.endpoints.length} endpoints and none is ready`}. ${podsSentence(f, ep)} Every lookup through the Service ${failure}.${hint ? ` ${hint}` : ''}`,
          evidenceRefs: [ep.id, ...(hint && f.corefile ? [f.corefile.id] : [])],
          fixes: [{ kind: 'advice', title: 'Bring CoreDNS back', blastRadius: 'Every pod that uses cluster DNS.', risk: 'low', steps: steps(f) }],
          confidence: 0.95,
          decisive: { service: svc, endpoints: ep.endpoints.length, pods: pods.map((p) => `${p.name}:${p.waitingReason ?? p.phase}`).sort() },
        }),
      ];
    }
    // Restarts alone are history (they accumulate for months); not ready or waiting now is what hurts.
    const unstable = pods.filter((p) => !p.ready || p.waitingReason !== undefined);
    if (unstable.length === 0) return [];
    return [
      makeFinding(id, meta, 'some-not-ready', {
        explanation: `${ready.length} of ${ep.endpoints.length} endpoints of the DNS Service ${svc} are ready, but ${unstable.map((p) => podText(p, f)).join('; ')}. Lookups still work through the ready ones, with less headroom; a restarting pod drops the queries it holds.`,
        evidenceRefs: [ep.id],
        fixes: [{ kind: 'advice', title: 'Find out why CoreDNS pods restart', blastRadius: 'Every pod that uses cluster DNS.', risk: 'low', steps: steps(f) }],
        confidence: 0.6,
        decisive: { unstable: unstable.map((p) => p.name).sort() },
      }),
    ];
  },
});

export default noReadyDnsEndpoints;
