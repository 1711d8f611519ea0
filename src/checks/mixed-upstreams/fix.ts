/** Fixes for mixed-upstreams: a server block for the internal zone forwarding only to the resolvers that know it; fix the node's resolver list. */
import type { Fix } from '../../core/model/index.js';
import type { Facts } from '../lib/facts.js';
import { forwardZoneFix } from '../lib/forward-zone-fix.js';

/** The fixes, and why a Corefile patch is missing when it is (said in the explanation). */
export function mixedUpstreamFixes(f: Facts, zone: string, good: string[], bad: string[], nodes: string[], badNode?: string): { fixes: Fix[]; notes: string[] } {
  const fixes: Fix[] = [];
  const notes: string[] = [];
  const cf = forwardZoneFix(f, zone, good, `Forward ${zone} only to ${good.join(', ')}`, badNode);
  if (cf.fix) fixes.push(cf.fix);
  else if (cf.why) notes.push(`No Corefile patch is offered: ${cf.why}.`);
  fixes.push({
    kind: 'advice',
    title: 'Remove the resolvers that do not know the internal names from the nodes\' resolver list',
    blastRadius: `Every process on ${nodes.join(', ')} that uses the node's resolver, and CoreDNS's "forward . /etc/resolv.conf".`,
    risk: 'medium',
    steps: [
      `On ${nodes.join(', ')}, the resolver list includes ${bad.join(', ')}, which answer NXDOMAIN for ${zone}. Remove them where the list is generated (netplan nameservers + "netplan apply" on Ubuntu, systemd-resolved DNS= / per-link DNS, or the DHCP options), not in /run/systemd/resolve/resolv.conf, which is rewritten.`,
      'Check which file kubelet gives CoreDNS (kubelet --resolv-conf / resolvConf in the kubelet config) and restart CoreDNS after the node files change (forward reads resolv.conf at start).',
    ],
  });
  return { fixes, notes };
}
