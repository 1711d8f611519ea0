/**
 * nodelocal-dns-bypasses-zone: the pod asks NodeLocal DNSCache (its link-local address), whose Corefile
 * (the node-local-dns ConfigMap, evaluated with the same engine after filling in its run-time
 * placeholders) sends the name to the node's resolvers instead of to the cluster DNS, and the lookup
 * fails, while the cluster DNS Service answers the same name: a zone CoreDNS was configured for (a
 * forward zone, a stub domain) is bypassed on the node-local path.
 */
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { explainName } from '../lib/corefile-engine.js';
import { factsOf } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { isUnder, listText, parentOf } from '../lib/names.js';
import { nodeLocalView, nodeLocalZoneBlock } from '../lib/node-local.js';
import { refs } from '../lib/references.js';

const id = 'nodelocal-dns-bypasses-zone';

const meta: CheckMeta = {
  title: 'NodeLocal DNSCache sends the name past the cluster DNS',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.nodeLocalDns, refs.forward, refs.customDns],
  messages: {
    'zone-bypassed': { severity: 'error', text: 'NodeLocal DNSCache forwards the name to the node\'s resolvers, which fail it, while the cluster DNS answers it' },
  },
};

/** nodelocal-dns-bypasses-zone implements Check: diagnose through the node-local cache's own Corefile. */
export const nodelocalDnsBypassesZone = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const nl = nodeLocalView(f);
    if (!nl || !f.lookup || f.lookup.result.ok) return [];
    // The pod's lookups go to the node-local cache.
    if (!f.resolvConf?.nameservers.includes(nl.localIp)) return [];
    const svc = f.queriesFor('dns-service').filter((q) => q.evidence.qtype === 'A' && q.addresses.length > 0);
    if (svc.length === 0) return [];
    const ex = nl.explain(f.queryName);
    if (!ex || ex.plugin !== 'forward') return [];
    const to = (ex.forwardTo ?? []).map((u) => u.ip);
    if (to.length === 0 || to.includes(nl.clusterDnsIp)) return [];
    // The zone CoreDNS serves the name in (its own server block), else the name's parent.
    const cd = explainName(f, f.queryName, f.pod.ip);
    const blockZone = cd?.serverBlock?.zone?.replace(/\.$/, '');
    const zone = blockZone && blockZone !== '' && blockZone !== '.' && isUnder(f.queryName, blockZone) ? blockZone : parentOf(f.queryName);
    const failing = f.lookup.queries.filter((q) => q.server === nl.localIp).at(-1);
    const proof = nodeLocalZoneBlock(f, nl, zone);
    const svcAddrs = [...new Set(svc.flatMap((q) => q.addresses))];
    const explanation = [
      `${f.podText} sends its lookups to NodeLocal DNSCache at ${nl.localIp}: ${f.queryName} came back ${failing ? (failing.rcode ?? failing.outcome) : (f.lookup.result.error ?? 'failed')} from it.`,
      `Its Corefile (ConfigMap ${nl.configMap}, with node-cache's placeholders filled in) answers ${f.queryName} in the block for ${ex.serverBlock?.zone ?? '.'} and forwards it to ${listText(to)}, not to the cluster DNS (${nl.clusterDnsIp}).`,
      `Asked directly, the cluster DNS Service ${f.dnsServiceIp ?? ''} answers ${listText(svcAddrs)}${cd?.serverBlock?.zone && cd.serverBlock.zone !== '.' ? ` from CoreDNS's block for ${cd.serverBlock.zone}` : ''}: what CoreDNS was configured to do for ${zone} never happens on the node-local path.`,
      proof.note,
    ].filter(Boolean).join(' ');
    return [
      makeFinding(id, meta, 'zone-bypassed', {
        explanation,
        cause: [
          `The pod asks NodeLocal DNSCache (${nl.localIp}), which forwards ${f.queryName} to ${listText(to)} instead of to the cluster DNS, and gets ${failing?.rcode ?? f.lookup.result.error ?? 'a failure'}.`,
          `The cluster DNS answers it (${listText(svcAddrs)}): add a block for ${zone} to ${nl.configMap} that forwards to the cluster DNS.`,
        ].join(' '),
        evidenceRefs: [nl.evidence.id, f.lookup.id, ...svc.map((q) => q.evidence.id), ...(f.resolvConfEvidence ? [f.resolvConfEvidence.id] : []), ...(f.corefile ? [f.corefile.id] : [])],
        fixes: proof.fixes,
        confidence: 0.9,
        decisive: { zone, localIp: nl.localIp, forwardTo: [...to].sort() },
      }),
    ];
  },
});

export default nodelocalDnsBypassesZone;
