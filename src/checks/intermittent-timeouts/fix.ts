/** Fixes for intermittent-timeouts: resolver options on the workload, and advice for the cluster. */
import type { Fix } from '../../core/model/index.js';
import { evidenceOfKind } from '../../core/model/index.js';
import type { Facts } from '../lib/facts.js';
import { dnsOptionsFix } from '../lib/workload.js';

/** Fixes for loss on the Service path (resolver options, NodeLocal DNSCache) or at the endpoints (advice). */
export function timeoutFixes(f: Facts, where: 'service' | 'endpoint'): Fix[] {
  const fixes: Fix[] = [];
  const libc = f.lookup?.libc ?? 'glibc';
  if (where === 'service' && libc === 'glibc') {
    // glibc sends A and AAAA from one socket at once; two packets with the same 5-tuple race in
    // conntrack and one is dropped. single-request-reopen sends them from separate sockets.
    const wp = dnsOptionsFix(f.pod, [{ name: 'single-request-reopen' }], {
      title: 'Send A and AAAA from separate sockets (single-request-reopen)',
      changes: 'adds options single-request-reopen to the pod template\'s dnsConfig',
      risk: 'low',
    });
    if (wp) fixes.push(wp);
  }
  const nodelocal = evidenceOfKind(f.evidence, 'nodelocaldns')[0];
  const steps =
    where === 'service'
      ? [
          nodelocal?.present
            ? `NodeLocal DNSCache is installed (${nodelocal.localIp ?? 'local IP unknown'}); check that this pod's resolv.conf points at it.`
            : 'Install NodeLocal DNSCache: pods query a cache on their own node without conntrack (NOTRACK), and the cache talks TCP to CoreDNS.',
          libc === 'musl'
            ? 'This image uses musl, which ignores single-request-reopen and use-vc; NodeLocal DNSCache or a glibc-based image avoids the race.'
            : 'Or set options use-vc in dnsConfig to send lookups over TCP (slower per query, never lost to the UDP race).',
          'Read conntrack counters on the node (conntrack -S: insert_failed; sysctl net.netfilter.nf_conntrack_count / nf_conntrack_max) to confirm the race or a full table.',
        ]
      : [
          'Check the CoreDNS pods that lose queries: CPU throttling (limits), restarts, max_concurrent in forward, and their node\'s network.',
          'Add CoreDNS replicas or spread them over nodes so a slow replica carries less of the load.',
        ];
  fixes.push({ kind: 'advice', title: where === 'service' ? 'Take DNS off the conntrack path' : 'Find out why CoreDNS drops queries', blastRadius: 'Cluster-wide DNS path; plan as a change.', risk: 'low', steps });
  return fixes;
}
