/** Fixes for search-path-amplification: a lower ndots on the workload, a trailing dot, autopath. */
import type { Fix } from '../../core/model/index.js';
import type { Facts } from '../lib/facts.js';
import { dnsOptionsFix } from '../lib/workload.js';

/** Fixes for search-path amplification: ndots on the workload, trailing dot / autopath advice. */
export function amplificationFixes(f: Facts, dots: number): Fix[] {
  const fixes: Fix[] = [];
  // ndots:2 keeps "svc.namespace" names searched first while every name with two or more dots is
  // tried as written first; a one-dot external name needs ndots:1.
  const ndots = Math.max(1, Math.min(dots, 2));
  const wp = dnsOptionsFix(f.pod, [{ name: 'ndots', value: String(ndots) }], {
    title: `Lower ndots to ${ndots} for this workload`,
    changes: `sets options ndots:${ndots} in the pod template's dnsConfig: names with ${ndots} or more dots are tried as written first`,
    risk: ndots === 1 ? 'medium' : 'low',
  });
  if (wp) {
    wp.blastRadius += ` Names with fewer than ${ndots} dot${ndots === 1 ? '' : 's'} are still searched first; names like "svc.namespace" ${ndots <= 1 ? 'are now tried upstream first (one extra query that leaves the cluster)' : 'still resolve through the search list'}.`;
    fixes.push(wp);
  }
  fixes.push({
    kind: 'advice',
    title: 'Ask for the name as written',
    blastRadius: 'Only the application that changes its configuration.',
    risk: 'low',
    steps: [
      `Write the name with a trailing dot in the application's configuration (${f.name}.): the resolver skips the search list for absolute names.`,
      'Or enable server-side search in CoreDNS (autopath @kubernetes, which needs the kubernetes plugin\'s "pods verified"): CoreDNS answers the first query with the right name, at the cost of watching all pods.',
    ],
  });
  return fixes;
}
