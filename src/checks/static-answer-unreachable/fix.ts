/** Fixes for static-answer-unreachable: a view for this zone's pod CIDRs, or hostAliases on the owner. */
import type { Fix } from '../../core/model/index.js';
import type { Facts } from '../lib/facts.js';
import { zonePinFixes } from '../lib/zone-pin-fixes.js';
import type { ZoneAnswers } from '../lib/zone-answers.js';

/** The fixes, and why a Corefile patch is missing when it is (said in the explanation). */
export function staticAnswerFixes(f: Facts, z: ZoneAnswers, zoned = true): { fixes: Fix[]; notes: string[] } {
  const { fixes, notes } = zonePinFixes(f, z, `Pin ${f.name} to ${z.reachableLocal.join(', ')} for this workload only`);
  if (!zoned) {
    fixes.push({
      kind: 'advice',
      title: `Update or remove the stale static entry for ${f.name}`,
      blastRadius: 'Every client of the cluster DNS.',
      risk: 'low',
      durability: 'durable',
      steps: [
        `In the CoreDNS ConfigMap, change the hosts (or template) entry for ${f.name} from ${z.clusterAddrs.join(', ')} to ${z.reachableLocal.join(', ')}, or delete it so the name is forwarded to the resolver, which has the current address.`,
        'A static entry in the shared Corefile outlives the host it names: prefer a record in the DNS zone that owns the name.',
      ],
    });
    return { fixes, notes };
  }
  fixes.push({
    kind: 'advice',
    title: 'Replace the static pin with per-zone resolution',
    blastRadius: 'Every client of the cluster DNS.',
    risk: 'medium',
    durability: 'durable',
    steps: [
      'Static answers in the shared Corefile apply to every zone. Keep them per zone (view blocks keyed on each zone\'s pod CIDRs) or remove them and let each zone resolve through its own resolver (a CoreDNS replica or NodeLocal DNSCache per zone).',
      'Constrain workloads that need zone-specific endpoints to that zone (node affinity) so the pin and the placement cannot drift apart.',
    ],
  });
  return { fixes, notes };
}
