/**
 * dns-service-vip-unreachable: the DNS Service's cluster IP does not answer from the pod's node while
 * every ready CoreDNS endpoint answers when asked directly from the same place. The pods and the
 * network to them are fine; the translation of the Service address to them (kube-proxy's iptables,
 * IPVS or nftables rules, or an eBPF replacement) is missing or broken on that node.
 */
import { evidenceOfKind, type DnsQueryEvidence, type Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { endpointMatrix, rowText } from '../lib/endpoint-matrix.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText, normName } from '../lib/names.js';
import { refs } from '../lib/references.js';

const id = 'dns-service-vip-unreachable';

const meta: CheckMeta = {
  title: 'The DNS Service address does not answer, while every CoreDNS pod does',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.dnsDebugging, refs.virtualIps],
  messages: {
    'service-vip-dead': { severity: 'error', text: 'The DNS Service address does not answer from this node, while every CoreDNS endpoint answers directly' },
  },
};

function queryText(q: DnsQueryEvidence): string {
  const what = q.outcome === 'answer' ? (q.rcode ?? 'answer') : `${q.outcome}${q.tries > 1 ? ` after ${q.tries} tries` : ''}`;
  return `${q.transport.toUpperCase()} ${normName(q.qname)}: ${what}`;
}

function adviceSteps(f: Facts, svcIp: string): string[] {
  const node = f.pod.node;
  return [
    `On ${node}: is kube-proxy running and syncing? kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide --field-selector spec.nodeName=${node}, then kubectl -n kube-system logs on that pod (sync errors, "Failed to execute iptables-restore", a wrong --proxy-mode or --cluster-cidr).`,
    `On the node, look for the Service's rules: iptables mode: iptables-save -t nat | grep ${svcIp}; IPVS mode: ipvsadm -Ln -u -t ${svcIp}:53 and ipvsadm -Ln -t ${svcIp}:53 (the real servers must be the CoreDNS pod IPs); nftables mode: nft list table ip kube-proxy | grep ${svcIp}. With an eBPF kube-proxy replacement (Cilium), cilium service list on the agent of that node.`,
    `Stale conntrack entries can keep old translations alive: conntrack -L -d ${svcIp} on the node; and with a bridge CNI, net.bridge.bridge-nf-call-iptables must be 1 (br_netfilter loaded) or Service traffic between pods on one bridge bypasses the rules.`,
    'Restarting the kube-proxy pod on the node (or the CNI agent that replaces it) rebuilds the rules; compare with a node where the Service answers.',
  ];
}

/** dns-service-vip-unreachable implements Check: the Service IP is dead while the endpoints answer. */
export const dnsServiceVipUnreachable = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const svcIp = f.dnsServiceIp;
    if (!svcIp) return [];
    // Only a pod that sends its queries to the Service address is hurt by it (not NodeLocal DNSCache users).
    if (!f.resolvConf?.nameservers.includes(svcIp)) return [];
    // Every direct query to the Service address from the pod's position, for any name, failed.
    const svc = [...f.queries, ...f.purposeQueries].filter((q) => q.resolver.role === 'dns-service' && q.resolver.ip === svcIp);
    if (svc.length === 0 || svc.some((q) => q.outcome === 'answer')) return [];
    // Like with like: the Service must have failed for a name some endpoint answered directly. A forwarded
    // name that times out on the endpoints too is their upstreams' problem (upstream-failure), not the VIP's.
    const answeredDirectly = new Set([...f.queries, ...f.purposeQueries].filter((q) => q.resolver.role === 'coredns-endpoint' && q.outcome === 'answer').map((q) => normName(q.qname)));
    if (!svc.some((q) => answeredDirectly.has(normName(q.qname)))) return [];
    // The Service has ready endpoints (else no-ready-dns-endpoints), and every ready one answers directly.
    const readyEndpoints = (f.endpoints?.endpoints ?? []).filter((e) => e.ready);
    if (readyEndpoints.length === 0) return [];
    const rows = endpointMatrix(f).rows.filter((r) => r.ready && r.verdict !== 'untested');
    if (rows.length === 0 || rows.some((r) => r.verdict !== 'answers')) return [];
    if (!readyEndpoints.every((e) => rows.some((r) => r.ip === e.ip))) return [];
    const bursts = evidenceOfKind(f.evidence, 'burst').filter((b) => b.target.ip === svcIp);
    const burstText = bursts.map((b) => ` A burst of ${b.count} queries to ${svcIp} got ${b.ok} answers and ${b.timeouts} timeouts.`).join('');
    const node = f.describeNode(f.pod.node);
    const explanation = [
      `From ${f.podText}, the DNS Service ${svcIp} never answered: ${svc.map(queryText).join('; ')}.${burstText}`,
      `Asked directly from the same pod, every ready CoreDNS endpoint answers: ${rows.map((r) => rowText(r, f)).join('; ')}.`,
      `So CoreDNS and the network to it are fine; what fails is the translation of the Service address to the pods on ${node} (kube-proxy's iptables/IPVS/nftables rules, or the CNI's eBPF service map), which the pod's resolv.conf sends every lookup to.`,
    ].join(' ');
    return [
      makeFinding(id, meta, 'service-vip-dead', {
        explanation,
        cause: [
          `From ${node}, the DNS Service address ${svcIp} does not answer (UDP and TCP), while ${rows.length === 1 ? 'the ready CoreDNS endpoint answers' : rows.length === 2 ? 'both ready CoreDNS endpoints answer' : `all ${rows.length} ready CoreDNS endpoints answer`} when asked directly (${listText(rows.map((r) => r.ip))}).`,
          `The Service's translation on that node is broken: inspect kube-proxy (or its eBPF replacement) there.`,
        ].join(' '),
        evidenceRefs: [...svc.map((q) => q.id), ...rows.flatMap((r) => r.refs), ...bursts.map((b) => b.id), ...(f.endpoints ? [f.endpoints.id] : [])],
        fixes: [
          {
            kind: 'advice',
            title: `Repair the DNS Service's rules on ${f.pod.node}`,
            blastRadius: `Every pod on ${f.pod.node}: all Service addresses there depend on the same rules.`,
            risk: 'medium',
            steps: adviceSteps(f, svcIp),
          },
        ],
        confidence: 0.9,
        decisive: { node: f.pod.node, service: svcIp, endpoints: rows.map((r) => r.ip).sort() },
      }),
    ];
  },
});

export default dnsServiceVipUnreachable;
