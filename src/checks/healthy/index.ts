/**
 * healthy: runs only when no other check reported a warning or an error. When the lookup succeeded it
 * says so with the path and the answer (info); when the lookup failed and nothing explained it, it
 * says that too (warn), so a failure is never reported as healthy.
 */
import { healthyCheckId, type Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { factsOf } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { clusterAnswer } from '../lib/zone-answers.js';

const id = healthyCheckId;

const meta: CheckMeta = {
  title: 'The name resolves',
  severity: 'info',
  docsUrl: docsUrlFor(id),
  onlyWhenNothingElse: true,
  messages: {
    'resolves': { severity: 'info', text: 'The name resolves fine' },
    'resolves-port-closed': { severity: 'info', text: 'The name resolves fine; the answer does not accept TCP (not a DNS problem)' },
    'unexplained-failure': { severity: 'warn', text: 'The lookup failed and no check could explain why' },
  },
};

/** healthy implements Check: the name resolves (info), or an unexplained failure (warn). */
export const healthy = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const l = f.lookup;
    const svcIp = f.dnsServiceIp;
    const pod = `${f.pod.namespace}/${f.pod.name}`;
    if (l && !l.result.ok) {
      const pe = f.probeErrors;
      return [
        makeFinding(id, meta, 'unexplained-failure', {
          explanation: `The lookup of ${f.name} from ${pod} failed with ${l.result.error ?? 'an error'} after ${Math.round(l.totalMs)} ms (${l.queries.length} queries), and none of the checks matched the evidence.${pe.length > 0 ? ` Some evidence is missing: ${pe.map((p) => `${p.what} (${p.reason})`).join('; ')}.` : ''}`,
          evidenceRefs: [l.id, ...pe.map((p) => p.id)],
          confidence: 0.3,
          decisive: { name: f.name, error: l.result.error ?? 'error' },
        }),
      ];
    }
    const addrs = l?.result.ok ? l.result.addresses : clusterAnswer(f).addrs;
    if (addrs.length === 0) return [];
    const via = l?.result.answeredBy ?? svcIp;
    const fromHosts = via !== undefined && /hosts/.test(via);
    const ms = l ? Math.round(l.totalMs) : undefined;
    const summary = `${f.name} resolves fine from ${pod}: ${listText(addrs)}${fromHosts ? ' from /etc/hosts' : via ? ` via ${via}` : ''}${ms !== undefined && !fromHosts ? ` in ${ms} ms` : ''}`;
    const reach = addrs.map((ip) => ({ ip, r: f.reach(ip) }));
    const tested = reach.filter((x) => x.r.verdict !== 'unknown');
    const closed = tested.length > 0 && tested.every((x) => x.r.verdict === 'unreachable');
    const reachText = tested.length > 0 ? ` TCP from ${f.describeNode(f.pod.node)}: ${tested.map((x) => `${x.ip} ${x.r.detail}`).join('; ')}.` : '';
    return [
      makeFinding(id, meta, closed ? 'resolves-port-closed' : 'resolves', {
        title: summary,
        explanation: `${summary}.${l && l.result.finalName && l.queries.length > 0 ? ` The answering name was ${l.result.finalName.replace(/\.$/, '')} after ${l.queries.length} quer${l.queries.length === 1 ? 'y' : 'ies'}.` : ''}${reachText}${closed ? ` No check found a DNS cause; the connection problem is probably elsewhere (the service, a firewall, or the port).${f.probeErrors.length > 0 ? ` Some evidence is missing, though: ${f.probeErrors.map((p) => `${p.what} (${p.reason})`).join('; ')}.` : ''}` : ''}`,
        evidenceRefs: [...(l ? [l.id] : []), ...clusterAnswer(f).refs, ...tested.flatMap((x) => x.r.refs)],
        confidence: 0.9,
        decisive: { name: f.name, addrs: [...addrs].sort() },
      }),
    ];
  },
});

export default healthy;
