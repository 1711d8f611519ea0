/**
 * static-answer-unreachable (seed 000 after its first fix, scenarios/000-per-zone-answers-after-hosts-fix.yaml): the answer comes from a static source in the Corefile
 * (`hosts`, `template`) and does not accept TCP from this pod's zone, while the zone's own resolver
 * answers an address that does: a one-size-fits-all fix for one zone broke another.
 */
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { explainName } from '../lib/corefile-engine.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { zoneComparisonToExplain } from '../lib/zone-comparison.js';
import { reachRefs, reachText } from '../lib/zone-answers.js';
import { staticAnswerFixes } from './fix.js';

const id = 'static-answer-unreachable';

const meta: CheckMeta = {
  title: 'A static Corefile answer is unreachable from this zone',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.hosts, refs.view, refs.nodeLocalDns],
  messages: {
    'static-unreachable': { severity: 'error', text: 'The Corefile pins the name to an address this pod\'s zone cannot reach' },
  },
};

/** Which static plugin answered, and where: from explain, else from the Corefile text. */
function staticSource(f: Facts, addrs: string[]): { plugin: string; where: string } | undefined {
  const ex = explainName(f, f.queryName, f.pod.ip);
  if (ex) {
    if (ex.plugin !== 'hosts' && ex.plugin !== 'template') return undefined;
    const block = ex.serverBlock ? `server block ${ex.serverBlock.keys.join(' ')} (line ${ex.serverBlock.line})` : 'the Corefile';
    return { plugin: ex.plugin, where: `${ex.plugin} in ${block}${ex.view ? `, view ${ex.view}` : ''}` };
  }
  // Without the evaluator: an inline hosts line "ADDR NAME" in the Corefile is the same fact, read literally.
  const text = f.corefile?.text;
  if (!text) return undefined;
  const lines = text.split(/\r?\n/);
  const hit = lines.findIndex((l) => {
    const toks = l.trim().toLowerCase().split(/\s+/);
    return addrs.includes(toks[0] ?? '') && toks.slice(1).some((t) => t.replace(/\.$/, '') === f.name);
  });
  return hit >= 0 ? { plugin: 'hosts', where: `hosts entries in the Corefile (line ${hit + 1})` } : undefined;
}

/** static-answer-unreachable implements Check: a static Corefile answer unreachable from this zone. */
export const staticAnswerUnreachable = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const z = zoneComparisonToExplain(f);
    if (!z) return [];
    if (!z.clusterUnreachable || z.reachableLocal.length === 0) return [];
    const src = staticSource(f, z.clusterAddrs);
    if (!src) return [];
    const svc = f.dnsServiceIp ? `the cluster DNS Service ${f.dnsServiceIp}` : 'the cluster DNS';
    const localResolvers = [...new Set(z.local.map((u) => u.resolver))];
    // A cluster whose nodes carry no zone (or one): the pin suits no other zone, it is simply out of date.
    const zoned = new Set(f.nodes.map((n) => n.zone).filter((zn) => zn !== undefined)).size > 1;
    const explanation = [
      `From ${f.podText}, ${svc} answered ${f.name} with ${listText(z.clusterAddrs)}, a fixed answer from ${src.where} that every client gets.`,
      `From ${f.describeNode(f.pod.node)} those addresses do not accept TCP (${reachText(z, z.clusterAddrs)}).`,
      `The resolver this zone uses (${listText(localResolvers)}) answers ${listText(z.localAddrs)}, and ${listText(z.reachableLocal)} ${z.reachableLocal.length > 1 ? 'do' : 'does'} accept TCP (${reachText(z, z.reachableLocal)}).`,
      zoned
        ? 'A static answer that suits one zone breaks the others: the answer has to depend on where the client is.'
        : `The nodes are not split into zones, so no client is served by this pin: the entry at ${src.where} is stale, and the resolver has the current address.`,
    ].join(' ');
    const { fixes, notes } = staticAnswerFixes(f, z, zoned);
    return [
      makeFinding(id, meta, 'static-unreachable', {
        explanation: [explanation, ...notes].join(' '),
        cause: [
          `The pod got ${listText(z.clusterAddrs)}, a fixed answer from ${src.where}; from ${f.describeNode(f.pod.node)} ${z.clusterAddrs.length > 1 ? 'they do' : 'it does'} not accept TCP.`,
          `This zone's resolver (${listText(localResolvers)}) answers ${listText(z.reachableLocal)}, which ${z.reachableLocal.length > 1 ? 'accept' : 'accepts'} TCP.`,
          zoned ? 'The static answer suits another zone and every client gets it.' : 'The pin is stale: update or remove that entry so the name is forwarded again.',
        ].join(' '),
        evidenceRefs: [...z.clusterRefs, ...(f.corefile ? [f.corefile.id] : []), ...z.local.map((u) => u.evidence.id), ...reachRefs(z, [...z.clusterAddrs, ...z.reachableLocal])],
        fixes,
        confidence: 0.95,
        decisive: { name: f.name, plugin: src.plugin, cluster: z.clusterAddrs, local: z.reachableLocal, podZone: f.podZone ?? f.pod.node },
      }),
    ];
  },
});

export default staticAnswerUnreachable;
