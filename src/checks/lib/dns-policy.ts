/** Whether the pod's lookups go to the cluster DNS at all (dnsPolicy, hostNetwork, dnsConfig, NodeLocal DNSCache). */
import { evidenceOfKind } from '../../core/model/index.js';
import type { Facts } from './facts.js';
import { listText } from './names.js';

/** Whether the pod's resolv.conf sends queries to the cluster DNS, and why. */
export function usesClusterDns(f: Facts): { uses: boolean; why: string; nameservers: string[] } {
  const svcIp = f.dnsServiceIp;
  const p = f.pod;
  const ns = f.resolvConf?.nameservers ?? [];
  if (f.resolvConf && svcIp) {
    // NodeLocal DNSCache listens on a link-local address and forwards cluster names to CoreDNS.
    const local = evidenceOfKind(f.evidence, 'nodelocaldns').find((n) => n.present)?.localIp;
    const uses = ns.includes(svcIp) || (local !== undefined && ns.includes(local));
    return { uses, why: `its /etc/resolv.conf lists ${listText(ns) || 'no nameserver'}${uses ? '' : `, not the DNS Service ${svcIp}`}`, nameservers: ns };
  }
  if (p.dnsPolicy === 'Default') return { uses: false, why: 'dnsPolicy Default gives it the node\'s resolv.conf', nameservers: ns };
  if (p.dnsPolicy === 'ClusterFirst' && p.hostNetwork) return { uses: false, why: 'it runs with hostNetwork and dnsPolicy ClusterFirst, which kubelet treats as Default (ClusterFirstWithHostNet is needed)', nameservers: ns };
  if (p.dnsPolicy === 'None') {
    const listed = p.dnsConfig?.nameservers ?? [];
    return { uses: svcIp !== undefined && listed.includes(svcIp), why: `dnsPolicy None with dnsConfig nameservers ${listText(listed) || '(none)'}`, nameservers: listed };
  }
  return { uses: true, why: `dnsPolicy ${p.dnsPolicy}`, nameservers: ns };
}

