/**
 * truncated-answer-tcp-blocked: the answer does not fit a UDP reply (512 bytes without EDNS, which is
 * what glibc sends unless `options edns0`), so the reply comes back truncated (TC) and the stub resolver
 * re-asks over TCP 53, which does not get through: the lookup fails or waits for timeouts although
 * small answers work. Direct TCP queries from the pod's position corroborate it.
 */
import type { DnsQueryEvidence, Finding, StubQuery } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText, normName } from '../lib/names.js';
import { dnsEgressVerdict } from '../lib/network-policy.js';
import { refs } from '../lib/references.js';
import { truncationFixes } from './fix.js';

const id = 'truncated-answer-tcp-blocked';

const meta: CheckMeta = {
  title: 'Large answers are truncated over UDP and TCP 53 does not get through',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  references: [refs.resolvConf, refs.networkPolicies, refs.dnsDebugging],
  messages: {
    'tcp-retry-fails': { severity: 'error', text: 'The answer is truncated over UDP and the retry over TCP 53 fails, so the lookup fails' },
    'tcp-retry-slow': { severity: 'warn', text: 'The answer is truncated over UDP and the retry over TCP 53 fails; the lookup got through only after timeouts' },
  },
};

/** Direct queries from the pod's position to the DNS Service and the CoreDNS endpoints, by transport. */
function directByTransport(f: Facts): { udpOk: DnsQueryEvidence[]; tcpFailed: DnsQueryEvidence[]; tcpOk: DnsQueryEvidence[] } {
  const direct = f.queries.filter((q) => q.resolver.role === 'dns-service' || q.resolver.role === 'coredns-endpoint');
  return {
    udpOk: direct.filter((q) => q.transport === 'udp' && q.outcome === 'answer'),
    tcpFailed: direct.filter((q) => q.transport === 'tcp' && q.outcome !== 'answer'),
    tcpOk: direct.filter((q) => q.transport === 'tcp' && q.outcome === 'answer'),
  };
}

/** Where TCP 53 stops: a NetworkPolicy that allows only UDP 53, else the network between the nodes. */
function whereBlocked(f: Facts): { text: string; policy?: string[]; refs: string[] } {
  const np = dnsEgressVerdict(f);
  if (np.applies && np.udp === true && np.tcp === false) {
    return { text: `the NetworkPolicies that select the pod (${listText(np.policies)}) allow UDP 53 to CoreDNS but not TCP 53`, policy: np.policies, refs: np.refs };
  }
  const cd = [...new Set(f.corednsPods.map((p) => p.node))].filter((n) => n !== f.pod.node);
  return { text: `no NetworkPolicy in the evidence denies it, so TCP 53 is dropped on the way from ${f.describeNode(f.pod.node)}${cd.length > 0 ? ` to ${listText(cd.map((n) => f.describeNode(n)))}` : ''} (a firewall, security group or network ACL that opens only UDP 53)`, refs: np.refs };
}

function fullAnswerCount(f: Facts, udpOk: DnsQueryEvidence[], qname: string): number | undefined {
  const counts = [...udpOk, ...f.queries.filter((q) => q.resolver.role === 'upstream' && q.outcome === 'answer')]
    .filter((q) => normName(q.qname) === normName(qname) && !q.tc)
    .map((q) => q.answers.filter((a) => a.type === q.qtype).length);
  return counts.length > 0 ? Math.max(...counts) : undefined;
}

/** truncated-answer-tcp-blocked implements Check: TC over UDP, and the TCP retry does not get through. */
export const truncatedAnswerTcpBlocked = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const l = f.lookup;
    if (!l) return [];
    const retries = l.queries.filter((q) => q.truncated && q.transport === 'tcp');
    const failedRetries = retries.filter((q) => q.outcome !== 'answer');
    if (failedRetries.length === 0) return [];
    // A TCP retry that once got through means TCP works: the failures are something else.
    if (retries.some((q) => q.outcome === 'answer')) return [];
    const { udpOk, tcpFailed, tcpOk } = directByTransport(f);
    if (tcpOk.some((q) => failedRetries.some((r) => r.server === q.resolver.ip))) return [];
    const where = whereBlocked(f);
    const qname = failedRetries[0]!.qname;
    const count = fullAnswerCount(f, udpOk, qname);
    const servers = [...new Set(failedRetries.map((q) => q.server))];
    const ednsText = f.resolvConf?.options.edns0 ? 'the pod\'s EDNS buffer' : 'the 512 bytes a resolver without "options edns0" accepts over UDP';
    const retryText = (q: StubQuery) => `${q.qtype} ${q.outcome}`;
    const direct = tcpFailed.length > 0
      ? ` Asked directly from the pod, ${listText([...new Set(udpOk.map((q) => q.resolver.ip))])} answer${udpOk.length === 1 ? 's' : ''} over UDP while TCP 53 to ${listText([...new Set(tcpFailed.map((q) => q.resolver.ip))])} ${tcpFailed.every((q) => q.outcome === 'timeout') ? 'times out' : 'fails'}.`
      : '';
    const severe = !l.result.ok;
    const explanation = [
      `${f.pod.namespace}/${f.pod.name} (${l.libc}) asked for ${normName(qname)}: the reply${count !== undefined ? ` (${count} ${count === 1 ? 'record' : 'records'})` : ''} does not fit ${ednsText}, so ${servers.length > 1 ? 'the servers' : servers[0]} sent it truncated (TC) and ${l.libc} re-asked over TCP 53: ${failedRetries.map(retryText).join(', ')}.${direct}`,
      `${where.text[0]!.toUpperCase()}${where.text.slice(1)}.`,
      severe ? `The lookup ${l.result.error ? `ended with ${l.result.error}` : 'failed'} after ${l.totalMs} ms.` : `The lookup got an answer only after ${l.totalMs} ms of timeouts.`,
      'Names with small answers keep working, which is why only this name seems broken.',
    ].join(' ');
    return [
      makeFinding(id, meta, severe ? 'tcp-retry-fails' : 'tcp-retry-slow', {
        explanation,
        cause: [
          `The answer for ${normName(qname)}${count !== undefined ? ` (${count} records)` : ''} is truncated over UDP, and ${l.libc}'s retry over TCP 53 to ${listText(servers)} ${failedRetries.every((q) => q.outcome === 'timeout') ? 'times out' : 'fails'}.`,
          `${where.text[0]!.toUpperCase()}${where.text.slice(1)}.`,
        ].join(' '),
        evidenceRefs: [l.id, ...udpOk.map((q) => q.id), ...tcpFailed.map((q) => q.id), ...where.refs],
        fixes: truncationFixes(f, { ...(where.policy ? { policies: where.policy } : {}), ...(count !== undefined ? { count } : {}) }),
        confidence: tcpFailed.length > 0 ? 0.9 : 0.75,
        decisive: { name: normName(qname), servers: servers.sort(), policy: where.policy ?? [] },
      }),
    ];
  },
});

export default truncatedAnswerTcpBlocked;
