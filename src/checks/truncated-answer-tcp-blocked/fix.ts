/**
 * Fixes for truncated-answer-tcp-blocked: open TCP 53 (the cure: DNS needs TCP), and, for glibc pods
 * whose full answer fits an EDNS reply (the probes' own UDP query with EDNS got it whole), `options
 * edns0` on the workload so the answer arrives over UDP without the TCP retry (a stop-gap).
 */
import type { Fix } from '../../core/model/index.js';
import type { Facts } from '../lib/facts.js';
import { listText, normName } from '../lib/names.js';
import { dnsOptionsFix } from '../lib/workload.js';

export function truncationFixes(f: Facts, opts: { policies?: string[]; count?: number }): Fix[] {
  const fixes: Fix[] = [];
  const cdNodes = [...new Set(f.corednsPods.map((p) => p.node))];
  fixes.push({
    kind: 'advice',
    title: 'Allow TCP 53 to CoreDNS wherever UDP 53 is allowed',
    blastRadius: opts.policies ? `The egress of the pods the policies ${listText(opts.policies)} select.` : 'Network rules between the nodes.',
    risk: 'low',
    steps: [
      opts.policies
        ? `In ${listText(opts.policies)} (namespace ${f.pod.namespace}), add "- protocol: TCP\\n  port: 53" next to the UDP 53 port of the egress rule that allows DNS.`
        : `Open TCP 53 from ${f.pod.node}${f.node(f.pod.node)?.podCIDR ? ` (pod CIDR ${f.node(f.pod.node)!.podCIDR})` : ''} to ${listText(cdNodes)} in the firewall / security group / network ACL, beside the UDP 53 rule that already exists.`,
      'DNS falls back to TCP for every answer larger than a UDP reply (RFC 7766 requires resolvers to support it): a rule that opens only UDP 53 breaks exactly the names with many records (a headless Service with many pods, a service discovery name, long TXT records).',
    ],
  });
  const edns = !f.resolvConf?.options.edns0 && f.lookup?.libc === 'glibc';
  const fitsEdns = f.queries.some((q) => q.transport === 'udp' && q.outcome === 'answer' && !q.tc && q.answers.length > 0 && f.targetQnames.has(normName(q.qname)) && (q.resolver.role === 'dns-service' || q.resolver.role === 'coredns-endpoint'));
  if (edns && fitsEdns) {
    const wf = dnsOptionsFix(f.pod, [{ name: 'edns0' }], {
      title: 'Let the workload accept larger UDP answers (options edns0)',
      changes: `dnsConfig.options gains edns0: glibc then advertises an EDNS buffer, and the ${opts.count ?? 'full'} ${opts.count === 1 ? 'record' : 'records'} for ${f.queryName} fit a UDP reply (the probe's EDNS query got them untruncated), so no TCP retry is needed.`,
      risk: 'medium',
    });
    if (wf) fixes.push({ ...wf, durability: 'stop-gap' });
  }
  return fixes;
}
