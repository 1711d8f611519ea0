/**
 * upstream-split-horizon (seed 000, scenarios/000-hybrid-cloud-split-horizon.yaml): the cluster DNS answer for an external name differs from
 * what the resolver in the pod's own zone answers, because the CoreDNS replicas run elsewhere and
 * forward to their own node's resolver; the cluster's answer does not accept TCP from the pod while
 * the local one does.
 */
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { explainName } from '../lib/corefile-engine.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { zoneComparisonToExplain } from '../lib/zone-comparison.js';
import { reachRefs, reachText, type ZoneAnswers } from '../lib/zone-answers.js';
import { splitHorizonFixes } from './fix.js';

const id = 'upstream-split-horizon';

const meta: CheckMeta = {
  title: 'Cluster DNS answers with another zone\'s view of the name',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.forward, refs.view, refs.hosts, refs.topologyRouting, refs.nodeLocalDns],
  messages: {
    'other-zone-answer': { severity: 'error', text: 'CoreDNS forwards to a resolver in another zone whose answer is unreachable from this pod' },
    'answers-differ-untested': { severity: 'info', text: 'Cluster DNS and the pod\'s zone resolver answer differently (reachability not tested)' },
    'local-answer-unknown': { severity: 'info', text: 'The cluster\'s answer is unreachable, and what the pod\'s own zone resolver answers could not be learned' },
  },
};

/** CoreDNS replicas whose node's resolver answers (part of) what the cluster answered. */
export function forwardingReplicas(f: Facts, clusterAddrs: string[]): { pod: string; node: string; resolver: string; addrs: string[]; ref: string }[] {
  const out: { pod: string; node: string; resolver: string; addrs: string[]; ref: string }[] = [];
  for (const p of f.corednsPods) {
    for (const u of f.upstreamsSeenFrom(p.node)) {
      if (u.addresses.some((a) => clusterAddrs.includes(a))) out.push({ pod: p.name, node: p.node, resolver: u.resolver, addrs: u.addresses, ref: u.evidence.id });
    }
  }
  return out;
}

function explanation(f: Facts, z: ZoneAnswers, replicas: ReturnType<typeof forwardingReplicas>): string {
  const svc = f.dnsServiceIp ? `the cluster DNS Service ${f.dnsServiceIp}` : 'the cluster DNS';
  const parts = [`From ${f.podText}, ${svc} answered ${f.name} with ${listText(z.clusterAddrs)}.`];
  // One sentence per upstream: "a on n1 and b on n2 forward to R, which answered X".
  const byResolver = new Map<string, typeof replicas>();
  for (const r of replicas) byResolver.set(`${r.resolver} ${r.addrs.join(',')}`, [...(byResolver.get(`${r.resolver} ${r.addrs.join(',')}`) ?? []), r]);
  for (const group of byResolver.values()) {
    const r0 = group[0]!;
    parts.push(`${listText(group.map((r) => `${r.pod} on ${f.describeNode(r.node)}`))} forward${group.length > 1 ? '' : 's'} to ${r0.resolver}, which answered ${listText(r0.addrs)}.`);
  }
  parts.push(`From ${f.describeNode(f.pod.node)} that answer does not accept TCP (${reachText(z, z.clusterAddrs)}).`);
  const localResolvers = [...new Set(z.local.map((u) => u.resolver))];
  parts.push(`The resolver the pod's own zone uses (${listText(localResolvers)}) answers ${listText(z.localAddrs)}, and ${listText(z.reachableLocal)} ${z.reachableLocal.length > 1 ? 'do' : 'does'} accept TCP (${reachText(z, z.reachableLocal)}).`);
  const zones = [...new Set(f.corednsPods.map((p) => f.zoneOf(p.node) ?? p.node))];
  const podZone = f.podZone;
  if (podZone && !f.corednsPods.some((p) => f.zoneOf(p.node) === podZone)) {
    parts.push(`No CoreDNS replica runs in ${podZone} (they run in ${listText(zones)}), so every name CoreDNS forwards gets another zone's view.`);
  } else {
    parts.push('Which replica answers is chosen per query by the Service, so the answer depends on which one the pod reaches.');
  }
  return parts.join(' ');
}

/** The cause in three sentences: what the pod got, what its zone answers, where the difference comes from. */
function cause(f: Facts, z: ZoneAnswers, replicas: ReturnType<typeof forwardingReplicas>): string {
  const resolvers = [...new Set(replicas.map((r) => r.resolver))];
  const replicaZones = [...new Set(f.corednsPods.map((p) => f.zoneOf(p.node) ?? p.node))];
  const where =
    replicas.length > 0
      ? `${replicas.length === f.corednsPods.length && replicas.length > 1 ? `${replicas.length === 2 ? 'Both' : `All ${replicas.length}`} CoreDNS replicas run` : `CoreDNS replica${replicas.length > 1 ? 's' : ''} ${listText([...new Set(replicas.map((r) => r.pod))])} run${replicas.length > 1 ? '' : 's'}`} in ${listText(replicaZones)} and forward to ${listText(resolvers)}, so the pod gets that zone's view.`
      : `CoreDNS forwards the name to resolvers outside ${f.podZone ?? f.pod.node}, so the pod gets another zone's view.`;
  return [
    `The pod got ${listText(z.clusterAddrs)} from cluster DNS; from ${f.describeNode(f.pod.node)} ${z.clusterAddrs.length > 1 ? 'they do' : 'it does'} not accept TCP.`,
    `Its own zone's resolver (${listText([...new Set(z.local.map((u) => u.resolver))])}) answers ${listText(z.reachableLocal)}, which ${z.reachableLocal.length > 1 ? 'accept' : 'accepts'} TCP.`,
    where,
  ].join(' ');
}

/** upstream-split-horizon implements Check: another zone's view of an external name. */
export const upstreamSplitHorizon = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const z = zoneComparisonToExplain(f);
    if (!z) return [];
    if (z.localAddrs.length === 0) {
      // Without a node-view probe on the pod's node the comparison cannot be made: say so when the
      // cluster's answer is unreachable and a probe error explains the gap, rather than guess.
      const pe = f.probeErrorsAbout('node-view', f.pod.node);
      if (!z.clusterUnreachable || pe.length === 0) return [];
      return [
        makeFinding(id, meta, 'local-answer-unknown', {
          explanation: `From ${f.podText} the cluster DNS answered ${f.name} with ${listText(z.clusterAddrs)}, which does not accept TCP (${reachText(z, z.clusterAddrs)}). dnswhy could not ask the resolver of the pod's own node (${pe.map((p) => `${p.what}: ${p.reason}`).join('; ')}), so it cannot tell whether that zone would answer a reachable address (split horizon).`,
          evidenceRefs: [...z.clusterRefs, ...reachRefs(z, z.clusterAddrs), ...pe.map((p) => p.id)],
          confidence: 0.3,
          decisive: { cluster: z.clusterAddrs, missing: 'local' },
        }),
      ];
    }
    if (z.clusterAddrs.some((a) => z.localAddrs.includes(a))) return [];
    // A static answer (hosts/template in the Corefile) is static-answer-unreachable's case.
    const ex = explainName(f, f.queryName, f.pod.ip);
    if (ex && ex.plugin !== 'forward') return [];
    const replicas = forwardingReplicas(f, z.clusterAddrs).filter((r) => r.node !== f.pod.node);
    if (!ex && replicas.length === 0) return [];
    const refs = [...z.clusterRefs, ...z.local.map((u) => u.evidence.id), ...replicas.map((r) => r.ref)];
    if (z.clusterUntested || z.reachableLocal.length === 0 && z.localAddrs.some((a) => z.reach.get(a)!.verdict === 'unknown')) {
      if (z.clusterUnreachable) return [];
      return [
        makeFinding(id, meta, 'answers-differ-untested', {
          explanation: `From ${f.podText} the cluster DNS answered ${f.name} with ${listText(z.clusterAddrs)}, while the pod's zone resolver answers ${listText(z.localAddrs)}. dnswhy could not test which of them accept TCP from the pod${f.probeErrorsAbout('tcp').length > 0 ? ` (${f.probeErrorsAbout('tcp')[0]!.reason})` : ''}, so it cannot tell whether the difference matters.`,
          evidenceRefs: [...refs, ...f.probeErrorsAbout('tcp').map((p) => p.id)],
          confidence: 0.3,
          decisive: { cluster: z.clusterAddrs, local: z.localAddrs },
        }),
      ];
    }
    if (!z.clusterUnreachable || z.reachableLocal.length === 0) return [];
    const { fixes, notes } = splitHorizonFixes(f, z);
    return [
      makeFinding(id, meta, 'other-zone-answer', {
        explanation: [explanation(f, z, replicas), ...notes].join(' '),
        cause: cause(f, z, replicas),
        evidenceRefs: [...refs, ...reachRefs(z, [...z.clusterAddrs, ...z.reachableLocal])],
        fixes,
        confidence: replicas.length > 0 ? 0.95 : 0.8,
        decisive: { name: f.name, cluster: z.clusterAddrs, local: z.reachableLocal, podZone: f.podZone ?? f.pod.node },
      }),
    ];
  },
});

export default upstreamSplitHorizon;
