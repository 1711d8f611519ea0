/**
 * dns-endpoint-unreachable (seed 003): some CoreDNS endpoints do not answer from this pod, typically
 * those on other nodes (a security group, firewall or CNI problem between nodes). The DNS Service
 * spreads queries over all endpoints, so the share of lookups that land on a dead one fails.
 */
import type { Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { LacksEvidenceError } from '../lacks-evidence.js';
import { endpointMatrix, rowText, type EndpointRow } from '../lib/endpoint-matrix.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { dnsEgressVerdict, dnsIngressVerdict } from '../lib/network-policy.js';

const id = 'dns-endpoint-unreachable';

const meta: CheckMeta = {
  title: 'Some CoreDNS endpoints do not answer from this pod',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.dnsDebugging, refs.dnsPodService],
  messages: {
    'some-endpoints-unreachable': { severity: 'error', text: 'CoreDNS endpoints on other nodes do not answer from this pod' },
    'no-endpoint-answers': { severity: 'error', text: 'No CoreDNS endpoint answers from this pod' },
    'endpoints-not-coredns': { severity: 'error', text: 'The DNS Service sends queries to addresses that are no CoreDNS pod' },
  },
};

function adviceSteps(f: Facts, dead: EndpointRow[]): string[] {
  const src = f.node(f.pod.node);
  const from = `${f.pod.node}${src?.podCIDR ? ` (pod CIDR ${src.podCIDR}, node ${src.ip})` : ''}`;
  const targets = [...new Set(dead.map((r) => r.node ?? r.ip))].map((n) => {
    const node = f.node(n);
    return node ? `${n} (node ${node.ip}${node.podCIDR ? `, pod CIDR ${node.podCIDR}` : ''})` : n;
  });
  return [
    `Allow UDP and TCP port 53 from ${from} to ${listText(targets)} in the security group / firewall / network ACL between the nodes; a node group that kept another cluster's security group is the classic cause.`,
    `Check that the CNI's traffic between those nodes is allowed too (e.g. VXLAN UDP 8472 for flannel, IP-in-IP or BGP TCP 179 for Calico, the cloud route table for VPC-routed pod CIDRs): dead cross-node pod traffic breaks more than DNS.`,
    `Until then, a CoreDNS replica on every node (or NodeLocal DNSCache) keeps lookups on the node.`,
  ];
}

/** The DNS Service's ready endpoints include addresses no CoreDNS pod has, and they never answer. */
function strangerFinding(f: Facts, strangers: EndpointRow[], alive: EndpointRow[], refs: string[], matrix: string, svcText: string): Finding {
  const svc = f.endpoints?.service;
  const name = svc ? `${svc.namespace}/${svc.name}` : 'the DNS Service';
  const selector = svc?.selector ? Object.entries(svc.selector).map(([k, v]) => `${k}=${v}`).join(',') : undefined;
  const pods = f.corednsPods.map((p) => `${p.name} (${p.ip})`);
  const share = alive.length > 0 ? ` ${strangers.length} of ${strangers.length + alive.length} endpoints are such addresses, so that share of lookups fails.` : ' No endpoint is a CoreDNS pod, so every lookup through the Service fails.';
  const where = selector ? `its selector ${selector} matches pods that are no CoreDNS` : 'it has no selector, so its EndpointSlice was written by hand (or left over) and nothing keeps it in step with the CoreDNS pods';
  return makeFinding(id, meta, 'endpoints-not-coredns', {
    cause: `${name} lists ${listText(strangers.map((r) => r.ip))} as ready endpoint${strangers.length > 1 ? 's' : ''}, but no CoreDNS pod has ${strangers.length > 1 ? 'those addresses' : 'that address'} and nothing answers DNS there: ${where}.${share}`,
    explanation: `From ${f.podText}: ${matrix}.${svcText} ${name} sends queries to ${listText(strangers.map((r) => r.ip))}, which ${strangers.length > 1 ? 'are' : 'is'} no CoreDNS pod${pods.length ? ` (the CoreDNS pods are ${listText(pods)})` : ''}; ${where}.${share}`,
    evidenceRefs: refs,
    fixes: [
      {
        kind: 'advice',
        title: `Point ${name} at the CoreDNS pods`,
        blastRadius: 'Every pod that resolves through the cluster DNS Service.',
        risk: 'medium',
        steps: [
          `Compare the endpoints with the CoreDNS pods: kubectl get endpointslices -n ${svc?.namespace ?? 'kube-system'} -l kubernetes.io/service-name=${svc?.name ?? 'kube-dns'} -o wide, and kubectl get pods -n ${svc?.namespace ?? 'kube-system'} -o wide --show-labels.`,
          selector
            ? `Give the Service the CoreDNS pods' labels as selector (kubeadm's is k8s-app=kube-dns), or label the CoreDNS pods' template with ${selector}.`
            : `Give the Service the CoreDNS pods' selector (kubeadm's is k8s-app=kube-dns) and delete the hand-written EndpointSlice and Endpoints, so the controller keeps them in step.`,
        ],
      },
    ],
    confidence: 0.9,
    decisive: { strangers: strangers.map((r) => r.ip).sort() },
  });
}

/** dns-endpoint-unreachable implements Check: a reachability matrix of the CoreDNS endpoints from the pod. */
export const dnsEndpointUnreachable = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const { rows } = endpointMatrix(f);
    if (rows.every((r) => r.verdict === 'untested')) throw new LacksEvidenceError("direct query to a CoreDNS endpoint from the pod's position");
    // Endpoints that are not ready are not expected to answer (no-ready-dns-endpoints' case), and
    // the Service does not send them queries.
    const dead = rows.filter((r) => r.verdict === 'unreachable' && r.ready);
    if (dead.length === 0) return [];
    const alive = rows.filter((r) => r.verdict === 'answers');
    const matrix = rows.filter((r) => r.verdict !== 'untested').map((r) => rowText(r, f)).join('; ');
    const svc = f.queries.filter((q) => q.resolver.role === 'dns-service');
    const svcText = svc.length > 0 ? ` Through the DNS Service: ${svc.map((q) => `${q.transport.toUpperCase()} ${q.outcome === 'answer' ? (q.rcode ?? 'answer') : q.outcome}`).join(', ')}.` : '';
    const refs = [...rows.flatMap((r) => r.refs), ...svc.map((q) => q.id), ...(f.endpoints ? [f.endpoints.id] : [])];
    // Endpoints that are no CoreDNS pod (written by hand, left over, or another selector's pods): nothing
    // about the network between nodes explains them; the Service's endpoints are wrong.
    const strangers = dead.filter((r) => r.pod === undefined && !f.corednsPods.some((p) => p.ip === r.ip));
    if (strangers.length === dead.length) return [strangerFinding(f, strangers, alive, refs, matrix, svcText)];
    if (alive.length === 0) {
      // Every endpoint is dead: a NetworkPolicy that denies DNS egress explains it better.
      if (dnsEgressVerdict(f).blocked || dnsIngressVerdict(f).blocked) return [];
      return [
        makeFinding(id, meta, 'no-endpoint-answers', {
          cause: `From ${f.describeNode(f.pod.node)}, none of the ${dead.length} CoreDNS endpoints (${listText(dead.map((r) => r.ip))}) answers a direct query, and no NetworkPolicy in the evidence denies it. Look at the network between this node and the CoreDNS nodes.`,
          explanation: `From ${f.podText}, none of the ${dead.length} CoreDNS endpoints answers a direct query: ${matrix}.${svcText} No NetworkPolicy in the evidence denies it, so look at the network between this node and the CoreDNS nodes.`,
          evidenceRefs: refs,
          fixes: [{ kind: 'advice', title: 'Open DNS between this node and the CoreDNS nodes', blastRadius: 'Network rules between nodes.', risk: 'medium', steps: adviceSteps(f, dead) }],
          confidence: 0.8,
          decisive: { podNode: f.pod.node, dead: dead.map((r) => r.ip).sort() },
        }),
      ];
    }
    const deadNodes = [...new Set(dead.map((r) => f.describeNode(r.node)))];
    const aliveNodes = [...new Set(alive.map((r) => f.describeNode(r.node)))];
    const share = `${dead.length} of ${rows.filter((r) => r.verdict !== 'untested').length}`;
    const explanation = [
      `From ${f.podText}, CoreDNS endpoints answer by node: ${matrix}.`,
      `Endpoints on ${listText(deadNodes)} never answer, while those on ${listText(aliveNodes)} do, so traffic from this pod to ${deadNodes.length > 1 ? 'those nodes' : 'that node'} is dropped.`,
      `The DNS Service spreads queries over all endpoints, so about ${share} lookups land on one that never answers and fail or wait for the resolver's timeout: resolution works some of the time.${svcText}`,
    ].join(' ');
    return [
      makeFinding(id, meta, 'some-endpoints-unreachable', {
        explanation,
        cause: [
          `From ${f.describeNode(f.pod.node)}, the CoreDNS endpoints on ${listText(deadNodes)} never answer (${listText(dead.map((r) => r.ip))}: UDP and TCP time out), while those on ${listText(aliveNodes)} do.`,
          `The DNS Service spreads queries over all endpoints, so about ${share} lookups fail or wait for the resolver's timeout.`,
          'Traffic from this node to the other node on port 53 is dropped: look at security groups, firewalls or the CNI.',
        ].join(' '),
        evidenceRefs: refs,
        fixes: [{ kind: 'advice', title: `Allow DNS from ${f.pod.node} to ${listText([...new Set(dead.map((r) => r.node ?? r.ip))])}`, blastRadius: 'Network rules between nodes (security groups, firewalls, CNI).', risk: 'medium', steps: adviceSteps(f, dead) }],
        confidence: 0.95,
        decisive: { podNode: f.pod.node, dead: dead.map((r) => r.ip).sort(), alive: alive.map((r) => r.ip).sort() },
      }),
    ];
  },
});

export default dnsEndpointUnreachable;
