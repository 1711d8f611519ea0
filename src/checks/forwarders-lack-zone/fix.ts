/** Fixes for forwarders-lack-zone: a server block forwarding the zone to the resolvers that know it, and advice. */
import type { Fix } from '../../core/model/index.js';
import type { Facts } from '../lib/facts.js';
import { forwardZoneFix } from '../lib/forward-zone-fix.js';
import { listText } from '../lib/names.js';
import type { ZoneForwarders } from '../lib/zone-forwarders.js';

/** The fixes, and why a Corefile patch is missing when it is (said in the explanation). */
export function forwardersLackZoneFixes(f: Facts, z: ZoneForwarders): { fixes: Fix[]; notes: string[] } {
  const fixes: Fix[] = [];
  const notes: string[] = [];
  const knowers = [...new Set(z.knowing.map((v) => v.resolver))];
  if (z.fromCorednsNodes.length > 0) {
    // Proven as the replica on a CoreDNS node that asked the knowing resolver sees it.
    const node = f.corednsNodes.find((n) => z.knowing.some((v) => (v.evidence.resolver.seenFromNodes ?? []).includes(n)));
    const cf = forwardZoneFix(f, z.zone, z.fromCorednsNodes, `Forward ${z.zone} to ${listText(z.fromCorednsNodes)}`, node);
    if (cf.fix) fixes.push(cf.fix);
    else if (cf.why) notes.push(`No Corefile patch is offered: ${cf.why}.`);
  } else {
    notes.push(`No Corefile patch is offered: ${listText(knowers)} answered only from ${f.describeNode(f.pod.node)}, not from a CoreDNS node, so it is not shown that CoreDNS can reach ${knowers.length === 1 ? 'it' : 'them'}.`);
  }
  fixes.push({
    kind: 'advice',
    title: `Send ${z.zone} to a resolver that serves it`,
    blastRadius: `Every name under ${z.zone}, from every pod that uses the cluster DNS.`,
    risk: 'medium',
    steps: [
      `Add a server block for ${z.zone} that forwards to ${listText(knowers)} (the resolver that hosts or can see the private zone: a cloud VPC resolver, the company's DNS), keeping "forward ." for everything else.`,
      `Check that ${listText(knowers)} answer${knowers.length === 1 ? 's' : ''} from every CoreDNS node (UDP and TCP 53) and that the private zone is linked to the cluster's network (a private hosted zone association, a private DNS zone virtual network link).`,
      `If the public resolvers in the forward line were put there on purpose, keep them for ".": ${listText(z.forwardTo)} answer public names, only not ${z.zone}.`,
    ],
  });
  return { fixes, notes };
}
