/**
 * healthy: runs only when no other check reported a warning or an error. When the lookup succeeded it
 * says so with the path and the answer (info); when the lookup failed and nothing explained it, it
 * says that too (warn), so a failure is never reported as healthy.
 */
import { evidenceOfKind, healthyCheckId, type Finding } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { factsOf } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { refs } from '../lib/references.js';
import { clusterAnswer } from '../lib/zone-answers.js';

const id = healthyCheckId;

const meta: CheckMeta = {
  title: 'The name resolves',
  severity: 'info',
  docsUrl: docsUrlFor(id),
  references: [refs.dnsPodService],
  onlyWhenNothingElse: true,
  messages: {
    'resolves': { severity: 'info', text: 'The name resolves fine' },
    'resolves-port-closed': { severity: 'info', text: 'The name resolves fine; the answer does not accept TCP (not a DNS problem)' },
    'unexplained-failure': { severity: 'warn', text: 'The lookup failed and no check could explain why' },
    'untested-from-pod': { severity: 'info', text: "Not tested from the pod's network position" },
    'reach-untested': { severity: 'info', text: "The name resolves in the pod, but the deep probes from its position could not run" },
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
    // Health is a claim about what the pod gets. Without a lookup from its position (twin probe or
    // ephemeral container) or a successful tool run inside it, the worker's own answer proves nothing
    // about the pod (split horizon is exactly that difference): say what was and was not tested.
    const podTool = evidenceOfKind(input.evidence, 'tool-output').find((t) => t.exitCode === 0 && t.parsed.addresses.length > 0);
    if (!l && !podTool) {
      const worker = clusterAnswer(f);
      const pe = f.probeErrors;
      const why = pe.length > 0 ? pe.map((p) => `${p.what} (${p.reason})`).join('; ') : 'no probe from the pod ran';
      return [
        makeFinding(id, meta, 'untested-from-pod', {
          title: `${f.name} was not tested from ${pod}'s network position${worker.addrs.length > 0 ? `; from the worker it answers ${listText(worker.addrs)}${svcIp ? ` via ${svcIp}` : ''}` : ''}`,
          explanation: `No lookup ran from where ${pod} is: ${why}. ${worker.addrs.length > 0 ? `The worker asked the DNS Service itself and got ${listText(worker.addrs)}, but the pod may get another answer (a zone-local resolver, a NetworkPolicy, a node-local cache), so this report does not call the name healthy.` : 'Nothing the worker asked answered either.'} Allow the probe pods or exec (see the notes) and run it again.`,
          evidenceRefs: [...worker.refs, ...pe.map((p) => p.id)],
          confidence: 0.5,
          decisive: { name: f.name, untested: true },
          untested: true,
        }),
      ];
    }
    const addrs = l?.result.ok ? l.result.addresses : podTool ? podTool.parsed.addresses : clusterAnswer(f).addrs;
    if (addrs.length === 0) return [];
    const via = l?.result.answeredBy ?? svcIp;
    const fromHosts = via !== undefined && /hosts/.test(via);
    const ms = l ? Math.round(l.totalMs) : undefined;
    const summary = `${f.name} resolves fine from ${pod}: ${listText(addrs)}${fromHosts ? ' from /etc/hosts' : via ? ` via ${via}` : ''}${ms !== undefined && !fromHosts ? ` in ${ms} ms` : ''}`;
    const reach = addrs.map((ip) => ({ ip, r: f.reach(ip) }));
    const tested = reach.filter((x) => x.r.verdict !== 'unknown');
    const closed = tested.length > 0 && tested.every((x) => x.r.verdict === 'unreachable');
    const reachText = tested.length > 0 ? ` TCP from ${f.describeNode(f.pod.node)}: ${tested.map((x) => `${x.ip} ${x.r.detail}`).join('; ')}.` : '';
    // The answer came from inside the pod, but nothing connected to it from there: the twin probe (or
    // ephemeral container) that tests what the pod reaches did not run. "Resolves fine" would then be
    // a claim about the answer's use that nothing tested (a stale pin looks exactly like this).
    const deep = f.probeErrorsAbout('twin probe pod', 'ephemeral probe container');
    if (tested.length === 0 && deep.length > 0) {
      const answered = `${f.name} resolves to ${listText(addrs)} in ${pod} (${l ? `its stub resolver, via ${via ?? 'the DNS Service'}` : `${podTool!.tool} in the pod`})`;
      return [
        makeFinding(id, meta, 'reach-untested', {
          title: `resolves to ${listText(addrs)} in the pod; not tested from its position`,
          explanation: `${answered}; the deep probes did not run, so nothing connected to the answer from there.`,
          evidenceRefs: [...(l ? [l.id] : []), ...(podTool ? [podTool.id] : []), ...clusterAnswer(f).refs, ...deep.map((p) => p.id)],
          confidence: 0.5,
          decisive: { name: f.name, addrs: [...addrs].sort(), untested: true },
          untested: true,
        }),
      ];
    }
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
