/**
 * network-policy-blocks-dns: a NetworkPolicy selects the pod for egress and none of the policies
 * that select it allows UDP (or TCP) port 53 to the CoreDNS pods, so every lookup times out (or,
 * TCP only, every truncated answer fails).
 */
import { evidenceOfKind, type Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { endpointMatrix } from '../lib/endpoint-matrix.js';
import { factsOf } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { dnsEgressVerdict, dnsIngressVerdict } from '../lib/network-policy.js';
import type { Facts } from '../lib/facts.js';

const id = 'network-policy-blocks-dns';

const meta: CheckMeta = {
  title: 'A NetworkPolicy blocks DNS from the pod',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.networkPolicies, refs.dnsDebugging],
  messages: {
    'udp-denied': { severity: 'error', text: 'NetworkPolicy egress rules deny UDP port 53 to CoreDNS' },
    'tcp-denied': { severity: 'warn', text: 'NetworkPolicy egress rules allow UDP but deny TCP port 53 to CoreDNS' },
    'selectors-unknown': { severity: 'info', text: 'NetworkPolicies restrict egress; whether they allow DNS could not be decided' },
    'ingress-udp-denied': { severity: 'error', text: "The CoreDNS pods' ingress NetworkPolicies do not admit DNS from this pod" },
  },
};

function ruleYaml(ns: string, podNs: string): string {
  return [
    'egress:',
    '  - to:',
    '      - namespaceSelector:',
    `          matchLabels: { kubernetes.io/metadata.name: ${ns} }`,
    '        podSelector:',
    '          matchLabels: { k8s-app: kube-dns }',
    '    ports:',
    '      - { protocol: UDP, port: 53 }',
    '      - { protocol: TCP, port: 53 }',
    `(add to a policy in namespace ${podNs} that selects the pod, or as a new policy with policyTypes: [Egress])`,
  ].join('\n');
}

/**
 * The pod's own tools that got a DNS reply (an address or an rcode): the policies do apply to the
 * pod itself, so a reply proves DNS gets through and the network does not enforce what the policy
 * objects say (a CNI without NetworkPolicy support). Then the policies are a risk, not this cause.
 */
function podGotReplies(f: Facts): { text: string; refs: string[] } | undefined {
  const replied = evidenceOfKind(f.evidence, 'tool-output').filter((t) => t.from.kind === 'pod' && t.parsed.timedOut !== true && (t.parsed.addresses.length > 0 || t.parsed.rcode !== undefined));
  if (replied.length === 0) return undefined;
  const what = replied.map((t) => `${t.argv.join(' ')} got ${t.parsed.addresses.length > 0 ? t.parsed.addresses.join(', ') : t.parsed.rcode}`).join('; ');
  return {
    text: ` Yet in the pod itself ${what}: DNS gets through, so the network does not enforce these policies (a CNI without NetworkPolicy support, or enforcement off). They are not what breaks this lookup, but they will deny DNS once they are enforced.`,
    refs: replied.map((t) => t.id),
  };
}

/** The other side: CoreDNS's own namespace has ingress policies that select its pods and do not let this pod in. */
function ingressFinding(f: Facts): Finding | undefined {
  const iv = dnsIngressVerdict(f);
  if (!iv.applies || !iv.blocked) return undefined;
  const rows = endpointMatrix(f).rows.filter((r) => r.verdict !== 'untested');
  const direct = rows.length > 0 ? ` Direct queries from the pod's position: ${rows.map((r) => `${r.pod ?? r.ip} UDP ${r.udp}, TCP ${r.tcp}`).join('; ')}.` : '';
  const pols = `${listText(iv.policies)} in ${iv.namespace}`;
  const unenforced = podGotReplies(f);
  return makeFinding(id, meta, 'ingress-udp-denied', {
    explanation: `NetworkPolicies ${pols} select the CoreDNS pods (${listText(f.corednsPods.map((p) => `${p.name} ${p.ip}`))}) for ingress, and none of their rules admits UDP port 53 from ${f.pod.namespace}/${f.pod.name} (namespace ${f.pod.namespace}, its labels): once a policy selects a pod for ingress, everything it does not allow is denied${unenforced ? '.' : ', so every lookup from this pod times out.'}${direct}${unenforced?.text ?? ''}`,
    evidenceRefs: [...iv.refs, ...rows.flatMap((r) => r.refs), ...(unenforced?.refs ?? [])],
    ...(unenforced ? { severity: 'info' as const } : {}),
    fixes: [
      {
        kind: 'advice',
        title: `Admit DNS from ${f.pod.namespace} to CoreDNS`,
        blastRadius: `Pods of namespace ${f.pod.namespace} (and whatever else the new rule admits).`,
        risk: 'low',
        steps: [
          `Add a rule to ${listText(iv.policies)} in ${iv.namespace} (or label namespace ${f.pod.namespace} to match its namespaceSelector):\ningress:\n  - from:\n      - namespaceSelector:\n          matchLabels: { kubernetes.io/metadata.name: ${f.pod.namespace} }\n    ports:\n      - { protocol: UDP, port: 53 }\n      - { protocol: TCP, port: 53 }`,
          'Every namespace that runs workloads needs DNS: a namespaceSelector: {} rule on ports 53 is the usual choice for CoreDNS.',
        ],
      },
    ],
    confidence: rows.length > 0 && rows.every((r) => r.verdict === 'unreachable') ? 0.95 : 0.8,
    decisive: { ingressPolicies: iv.policies, namespace: f.pod.namespace },
  });
}

/** network-policy-blocks-dns implements Check: NetworkPolicy egress denies DNS to CoreDNS. */
export const networkPolicyBlocksDns = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const v = dnsEgressVerdict(f);
    if (!v.applies || v.udp === true) {
      const ingress = ingressFinding(f);
      if (ingress) return [ingress];
    }
    if (!v.applies) return [];
    const dnsNs = f.corednsPods[0]?.namespace ?? f.endpoints?.service.namespace ?? 'kube-system';
    const rows = endpointMatrix(f).rows.filter((r) => r.verdict !== 'untested');
    const answered = rows.some((r) => r.verdict === 'answers');
    // The twin probe pod carries dnswhy's labels, not the pod's, so policies selecting the pod by its
    // labels do not apply to it: its answers do not contradict the policy.
    const probeText = rows.length === 0
      ? ''
      : answered
        ? ` The twin probe pod got answers (${rows.map((r) => `${r.pod ?? r.ip} UDP ${r.udp}`).join('; ')}), but it does not carry the pod's labels, so these policies do not select it; the pod itself is denied.`
        : ` Direct queries from the pod's position: ${rows.map((r) => `${r.pod ?? r.ip} UDP ${r.udp}, TCP ${r.tcp}`).join('; ')}.`;
    // The pod's own tools, when its image has them, are the one probe the policy does apply to.
    const tools = evidenceOfKind(f.evidence, 'tool-output');
    const toolText = tools.length > 0 ? ` In the pod itself, ${tools.map((t) => `${t.argv.join(' ')} ${t.parsed.timedOut ? 'timed out' : t.parsed.addresses.length > 0 ? `answered ${t.parsed.addresses.join(', ')}` : `failed (exit ${t.exitCode})`}`).join('; ')}.` : '';
    const refs = [...v.refs, ...rows.flatMap((r) => r.refs), ...tools.map((t) => t.id)];
    const pols = `${listText(v.policies)} in ${f.pod.namespace}`;
    const advice = {
      kind: 'advice' as const,
      title: 'Allow DNS egress to CoreDNS',
      blastRadius: `Pods selected by ${listText(v.policies)}.`,
      risk: 'low' as const,
      steps: [`Add an egress rule allowing UDP and TCP 53 to the CoreDNS pods:\n${ruleYaml(dnsNs, f.pod.namespace)}`],
    };
    if (v.udp === false) {
      const unenforced = podGotReplies(f);
      return [
        makeFinding(id, meta, 'udp-denied', {
          explanation: `NetworkPolicies ${pols} select ${f.pod.namespace}/${f.pod.name} for egress, and none of their rules allows UDP port 53 to the CoreDNS pods (${listText(f.corednsPods.map((p) => `${p.name} ${p.ip}`))}); once a policy selects a pod for egress, everything it does not allow is denied.${probeText}${toolText}${unenforced?.text ?? ''}`,
          evidenceRefs: refs,
          ...(unenforced ? { severity: 'info' as const } : {}),
          fixes: [advice],
          confidence: rows.length > 0 && rows.every((r) => r.verdict === 'unreachable') ? 0.95 : 0.8,
          decisive: { policies: [...v.policies].sort(), udp: false, tcp: v.tcp },
        }),
      ];
    }
    if (v.udp === true && v.tcp === false) {
      // Severity follows the measured cost: when this lookup worked and no reply on its way was
      // truncated, the denied TCP 53 cost it nothing; it is a risk for large answers, not this cause.
      const l = f.lookup;
      const latent = l !== undefined && l.result.ok && !l.queries.some((q) => q.truncated === true);
      const cost = latent
        ? ` ${f.name} got its answer over UDP without truncation, so this lookup is not affected; only names whose answers do not fit a UDP reply are.`
        : '';
      return [
        makeFinding(id, meta, 'tcp-denied', {
          explanation: `NetworkPolicies ${pols} allow UDP port 53 to CoreDNS but not TCP port 53. Answers larger than 512 bytes (or 1232 with EDNS) come back truncated and the resolver retries over TCP, which is denied: large answers fail.${cost}${probeText}`,
          evidenceRefs: refs,
          fixes: [advice],
          ...(latent ? { severity: 'info' as const } : {}),
          confidence: 0.7,
          decisive: { policies: [...v.policies].sort(), udp: true, tcp: false },
        }),
      ];
    }
    if (v.udp === 'unknown') {
      return [
        makeFinding(id, meta, 'selectors-unknown', {
          explanation: `NetworkPolicies ${pols} select the pod for egress; whether they allow DNS depends on the CoreDNS pods' labels, which the evidence does not include.${probeText}`,
          evidenceRefs: refs,
          confidence: 0.3,
          decisive: { policies: [...v.policies].sort() },
        }),
      ];
    }
    return [];
  },
});

export default networkPolicyBlocksDns;
