/** Fixes for upstream-split-horizon: a per-zone view in the Corefile, hostAliases on the owner, and advice. */
import type { Fix } from '../../core/model/index.js';
import type { Facts } from '../lib/facts.js';
import { zonePinFixes } from '../lib/zone-pin-fixes.js';
import type { ZoneAnswers } from '../lib/zone-answers.js';

/** The fixes, and why a Corefile patch is missing when it is (said in the explanation). */
export function splitHorizonFixes(f: Facts, z: ZoneAnswers): { fixes: Fix[]; notes: string[] } {
  const { fixes, notes } = zonePinFixes(f, z, `Pin ${f.name} to ${z.reachableLocal.join(', ')} in the workload's hostAliases`);
  const zone = f.podZone ?? f.pod.node;
  fixes.push({
    kind: 'advice',
    title: `Resolve external names inside ${zone}`,
    blastRadius: 'Cluster-wide DNS topology; plan it as a change.',
    risk: 'medium',
    durability: 'durable',
    steps: [
      `Run a CoreDNS replica in ${zone} (a second Deployment pinned to the zone, or topology spread) and keep the DNS Service's traffic in-zone (trafficDistribution: PreferClose / topology-aware routing), so this zone's queries are forwarded to this zone's resolver.`,
      `Or install NodeLocal DNSCache and let it forward external names to the node's own resolver (${[...new Set(z.local.map((u) => u.resolver))].join(', ')}) instead of to CoreDNS.`,
    ],
  });
  return { fixes, notes };
}
