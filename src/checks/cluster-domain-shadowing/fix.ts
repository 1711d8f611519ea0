/** Fixes for cluster-domain-shadowing: a server block for the real name, fallthrough on the plugin, or a new cluster domain. */
import type { Fix } from '../../core/model/index.js';
import type { Facts } from '../lib/facts.js';
import { fallthroughFix } from '../lib/fallthrough-fix.js';
import { forwardZoneFix } from '../lib/forward-zone-fix.js';

/** What the shadowing finding knows, for building its fixes. */
export interface ShadowFacts {
  name: string;
  plugin: string;
  block: number | undefined;
  zone: string | undefined;
  upstreams: string[];
}

/** The fixes, and why Corefile patches are missing when they are (said in the explanation). */
export function shadowingFixes(f: Facts, s: ShadowFacts): { fixes: Fix[]; notes: string[] } {
  const fixes: Fix[] = [];
  const notes: string[] = [];
  // Narrowest first: only this name leaves the shadowed zone.
  const narrow = forwardZoneFix(f, s.name, s.upstreams, `Forward ${s.name} to ${s.upstreams.join(', ')} in its own server block`);
  if (narrow.fix) fixes.push(narrow.fix);
  else if (narrow.why) notes.push(`No server block for ${s.name} is offered: ${narrow.why}.`);
  if (s.block !== undefined && s.zone) {
    const ft = fallthroughFix(f, s.block, s.plugin, s.zone, s.name);
    if (ft.fix) fixes.push(ft.fix);
    else if (ft.why) notes.push(`No fallthrough patch is offered: ${ft.why}.`);
  }
  fixes.push({
    kind: 'advice',
    title: 'Stop using a real domain as the cluster domain',
    blastRadius: 'The whole cluster: every pod\'s search list and every in-cluster name.',
    risk: 'high',
    steps: [
      `The ${s.plugin} plugin owns ${s.zone ?? 'the zone'}, a domain that also exists outside the cluster. Last resort: move the cluster to a private domain (cluster.local): change the kubernetes plugin's zone, kubelet --cluster-domain / clusterDomain on every node (restart kubelet), and recreate every pod.`,
      'Until then, give each real name the cluster must reach its own server block (the patch above) rather than adding cluster Services with the same names.',
    ],
  });
  return { fixes, notes };
}
