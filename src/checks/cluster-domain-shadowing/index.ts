/**
 * cluster-domain-shadowing (seed 004): the name lies in a zone a plugin answers with authority (the
 * kubernetes plugin's zone, or a file/hosts/template zone without fallthrough), so CoreDNS answers
 * NXDOMAIN itself and never asks upstream, though upstream knows the name.
 */
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { explainName, parsedCorefile } from '../lib/corefile-engine.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { isUnder, listText, normName } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { shadowingFixes } from './fix.js';

const id = 'cluster-domain-shadowing';

/** Plugins that answer with authority for their zones unless told to fall through. */
export const authoritativePlugins = ['kubernetes', 'file', 'auto', 'hosts', 'template', 'k8s_external', 'secondary'];

const meta: CheckMeta = {
  title: 'A Corefile zone shadows a real domain',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.kubernetes, refs.serverBlocks, refs.forward, refs.dnsPodService],
  messages: {
    'zone-shadows-name': { severity: 'error', text: 'CoreDNS answers NXDOMAIN for the name itself because a plugin owns its zone, though upstream knows it' },
    'hosts-without-fallthrough': { severity: 'error', text: 'The hosts plugin answers SERVFAIL for every name it does not list (no fallthrough), though upstream knows the name' },
  },
};

/** The zone of `plugin` in server block `block` that contains `name` (longest), from the parsed Corefile. */
export function pluginZone(f: Facts, block: number, plugin: string, name: string): string | undefined {
  const p = parsedCorefile(f);
  const b = p?.model.blocks.find((x) => x.index === block);
  if (!b) return undefined;
  const d = b.directives.find((x) => x.name === plugin);
  const argZones = (d?.args ?? []).map((t) => t.text).filter((t) => /^[a-z0-9.-]+\.?$/i.test(t) && !/^\d+(\.\d+){3}$/.test(t));
  const zones = argZones.length > 0 && plugin !== 'hosts' ? argZones : b.addresses.map((a) => a.zone);
  const inside = zones.map(normName).filter((z) => isUnder(name, z));
  return inside.sort((a, b) => b.length - a.length)[0];
}

/**
 * hosts without fallthrough in a block that also forwards: every name hosts does not list gets SERVFAIL
 * (CoreDNS's hosts plugin has no negative answer of its own). The fallthrough patch comes first: it fixes
 * every such name at once, where a server block for this name would fix one.
 */
function hostsFinding(
  f: Facts,
  h: { name: string; where: string; zone: string | undefined; svcText: string; knowing: ReturnType<Facts['upstreamViews']>; upstreams: string[]; block: number | undefined; refs: string[] },
): Finding {
  const zone = h.zone || '.';
  const { fixes, notes } = shadowingFixes(f, { name: h.name, plugin: 'hosts', block: h.block, zone, upstreams: h.upstreams });
  const ordered = [...fixes.filter((x) => x.kind === 'corefile-patch').reverse()];
  const zoneText = zone === '.' ? 'every name (its zone is the block\'s, the root)' : `every name under ${zone}`;
  return makeFinding(id, meta, 'hosts-without-fallthrough', {
    explanation: [
      `The hosts plugin in ${h.where} has no fallthrough, so it answers ${zoneText} itself: ${h.name} is not one of its entries and gets SERVFAIL, and forward never sees it (hosts runs before kubernetes and forward).${h.svcText}`,
      `Upstream knows the name: ${h.knowing.map((u) => `${u.resolver}${u.node ? ` (asked from ${f.describeNode(u.node)})` : ''} answers ${u.addresses.join(', ')}`).join('; ')}.`,
      ...notes,
    ].join(' '),
    cause: `The hosts plugin in ${h.where} answers SERVFAIL for ${h.name}, a name it does not list, because it has no fallthrough; upstream (${listText(h.upstreams)}) answers it.`,
    evidenceRefs: h.refs,
    fixes: ordered,
    confidence: 0.95,
    decisive: { name: h.name, plugin: 'hosts', zone, upstream: [...new Set(h.knowing.flatMap((u) => u.addresses))].sort() },
  });
}

/** cluster-domain-shadowing implements Check: an authoritative zone answers NXDOMAIN for a name upstream knows. */
export const clusterDomainShadowing = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const name = f.queryName;
    const ex = explainName(f, name, f.pod.ip);
    if (!ex || !ex.plugin || !authoritativePlugins.includes(ex.plugin) || ex.forwardTo) return [];
    const negative = ex.rcode === 'NXDOMAIN' || (ex.rcode === 'NOERROR' && ex.answers.length === 0);
    // hosts has no SOA: a name it does not list, without fallthrough, gets SERVFAIL from it, never NXDOMAIN.
    const hostsServfail = ex.plugin === 'hosts' && ex.rcode === 'SERVFAIL';
    if (!negative && !hostsServfail) return [];
    // Upstream knows the name: some resolver (seen from a CoreDNS node first, else from any node) answers it.
    const nodes = new Set(f.corednsNodes);
    const ups = f.upstreamViews().filter((u) => u.outcome === 'answer' && u.addresses.length > 0);
    const fromCoredns = ups.filter((u) => (u.evidence.resolver.seenFromNodes ?? []).some((n) => nodes.has(n)) || (u.node !== undefined && nodes.has(u.node)));
    const knowing = fromCoredns.length > 0 ? fromCoredns : ups;
    if (knowing.length === 0) return [];
    const svc = f.queriesFor('dns-service').filter((q) => q.evidence.qtype === 'A');
    // The live answer must agree that the cluster DNS does not answer the name (when we have it).
    if (svc.length > 0 && svc.some((q) => q.addresses.length > 0)) return [];
    if (hostsServfail && svc.length > 0 && !svc.some((q) => q.rcode === 'SERVFAIL')) return [];
    const block = ex.serverBlock;
    const zone = block ? pluginZone(f, block.index, ex.plugin, name) : undefined;
    const where = block ? `server block ${block.keys.join(' ')} (line ${block.line})` : 'the Corefile';
    const svcText = svc.length > 0 ? ` The DNS Service answered ${listText([...new Set(svc.map((q) => `${q.rcode ?? q.outcome}${q.soa ? ` with the SOA of ${q.soa.owner}` : ''}`))])}.` : '';
    const upstreams = [...new Set(knowing.map((u) => u.resolver))];
    if (hostsServfail) return [hostsFinding(f, { name, where, zone, svcText, knowing, upstreams, block: block?.index, refs: [...(f.corefile ? [f.corefile.id] : []), ...svc.map((q) => q.evidence.id), ...knowing.map((u) => u.evidence.id)] })];
    const explanation = [
      `The ${ex.plugin} plugin in ${where} is authoritative for ${zone ?? 'a zone containing the name'}${ex.plugin === 'kubernetes' ? ' (the cluster domain)' : ''}, and ${name} lies inside it.`,
      `${name} is not one of its records, so CoreDNS answers ${ex.rcode}${ex.rcode === 'NOERROR' ? ' with no records' : ''} itself and never asks upstream (no fallthrough for this zone).${svcText}`,
      `Upstream knows the name: ${knowing.map((u) => `${u.resolver}${u.node ? ` (asked from ${f.describeNode(u.node)})` : ''} answers ${u.addresses.join(', ')}`).join('; ')}.`,
    ].join(' ');
    const { fixes, notes } = shadowingFixes(f, { name, plugin: ex.plugin, block: block?.index, zone, upstreams });
    return [
      makeFinding(id, meta, 'zone-shadows-name', {
        explanation: [explanation, ...notes].join(' '),
        cause: [
          `The pod got ${ex.rcode}${ex.rcode === 'NOERROR' ? ' with no records' : ''} for ${name}; upstream (${listText(upstreams)}) answers ${listText([...new Set(knowing.flatMap((u) => u.addresses))])}.`,
          `The ${ex.plugin} plugin in ${where} owns ${zone ?? 'the zone'}${ex.plugin === 'kubernetes' ? ' (the cluster domain)' : ''}, so CoreDNS answers for the name itself and never asks upstream.`,
        ].join(' '),
        evidenceRefs: [...(f.corefile ? [f.corefile.id] : []), ...svc.map((q) => q.evidence.id), ...knowing.map((u) => u.evidence.id)],
        fixes,
        confidence: 0.95,
        decisive: { name, plugin: ex.plugin, zone: zone ?? null, upstream: [...new Set(knowing.flatMap((u) => u.addresses))].sort() },
      }),
    ];
  },
});

export default clusterDomainShadowing;
