/**
 * coredns-crash-loop: CoreDNS pods keep exiting, and their status and log say why: a forwarding loop the
 * loop plugin detected (the node's resolv.conf points at a local stub such as 127.0.0.53, which inside the
 * pod is CoreDNS itself), a Corefile CoreDNS refuses at start-up (the error and its line), or the
 * container being OOM-killed. Replicas that exit leave the Service's endpoints, so with none left every
 * lookup fails.
 */
import type { Finding, Fix } from '../../core/model/index.js';
import { defineCheck, docsUrlFor, type CheckMeta } from '../define-check.js';
import { corednsExits, type CorednsExit } from '../lib/coredns-exits.js';
import { factsOf, type Facts } from '../lib/facts.js';
import { makeFinding } from '../lib/finding.js';
import { listText } from '../lib/names.js';
import { loopAdvice, loopForwardFix, oomAdvice, refusedAdvice, refusedCorefileFix } from './fix.js';

const id = 'coredns-crash-loop';

const meta: CheckMeta = {
  title: 'CoreDNS keeps exiting',
  severity: 'error',
  docsUrl: docsUrlFor(id),
  messages: {
    'loop-detected': { severity: 'error', text: 'CoreDNS exits because it forwards to itself (its loop plugin detected the loop)' },
    'corefile-refused': { severity: 'error', text: 'CoreDNS exits because it refuses its Corefile' },
    'oom-killed': { severity: 'error', text: 'CoreDNS is killed for running out of memory' },
    'crash-looping': { severity: 'error', text: 'CoreDNS pods crash-loop for a reason their log does not name' },
  },
};

/** Loopback (or self) resolvers CoreDNS forwards to: the CoreDNS nodes' resolv.conf and explicit forward targets. */
function loopbackTargets(f: Facts): string[] {
  const fromNodes = f.corednsNodes.flatMap((n) => f.nodeNameservers(n) ?? []);
  const fromCorefile = [...(f.corefile?.text.matchAll(/^\s*forward\s+\S+\s+([^{#\n]+)/gm) ?? [])].flatMap((m) => m[1]!.trim().split(/\s+/));
  const self = [...(f.dnsServiceIp ? [f.dnsServiceIp] : []), ...f.corednsPods.map((p) => p.ip)];
  return [...new Set([...fromNodes, ...fromCorefile].map((a) => a.replace(/:\d+$/, '')).filter((a) => a.startsWith('127.') || a === '::1' || self.includes(a)))];
}

function impact(f: Facts, exits: CorednsExit[]): string {
  const ready = f.endpoints?.endpoints.filter((e) => e.ready).length ?? f.corednsPods.filter((p) => p.ready).length;
  return ready === 0
    ? 'No CoreDNS replica is ready, so the DNS Service has no endpoints and every lookup in the cluster fails.'
    : `${ready} replica${ready === 1 ? ' is' : 's are'} still ready and answer${ready === 1 ? 's' : ''}; the ${exits.length} crash-looping one${exits.length === 1 ? ' is' : 's are'} out of the Service's endpoints until ${exits.length === 1 ? 'it starts' : 'they start'} again.`;
}

function podsText(exits: CorednsExit[]): string {
  return listText(exits.map((e) => `${e.pod.name} (${e.state})`));
}

/** coredns-crash-loop implements Check: why CoreDNS pods keep exiting. */
export const corednsCrashLoop = defineCheck({
  id,
  meta,
  run(input): Finding[] {
    const f = factsOf(input);
    const exits = corednsExits(f);
    if (exits.length === 0) return [];
    const ready = f.endpoints?.endpoints.filter((e) => e.ready).length ?? f.corednsPods.filter((p) => p.ready).length;
    const severity = ready === 0 ? 'error' : 'warn';
    const refs = [...(f.endpoints ? [f.endpoints.id] : []), ...exits.flatMap((e) => e.logs.map((l) => l.id))];
    const decisive = (cause: string, detail: unknown) => ({ cause, pods: exits.map((e) => e.pod.name).sort(), detail });
    const loop = exits.filter((e) => e.cause === 'loop-detected');
    if (loop.length > 0) {
      const targets = loopbackTargets(f);
      const fix = loopForwardFix(f);
      const fixes: Fix[] = [...(fix ? [fix] : []), loopAdvice(targets)];
      const nodes = f.corednsNodes.filter((n) => (f.nodeNameservers(n) ?? []).some((ip) => targets.includes(ip)));
      return [
        makeFinding(id, meta, 'loop-detected', {
          severity,
          explanation: [
            `CoreDNS pods ${podsText(loop)} exit at start-up. Their log says: ${loop[0]!.loop!.text}`,
            targets.length > 0
              ? `The Corefile forwards to ${nodes.length > 0 ? `the resolv.conf of ${listText(nodes)}, which lists ` : ''}${listText(targets)}; inside the CoreDNS pod that address is CoreDNS itself (a local stub resolver such as systemd-resolved's 127.0.0.53 only exists on the node), so every forwarded query comes back, the loop plugin sees its probe return and stops the process.`
              : 'A forward target leads back to CoreDNS itself, so the loop plugin sees its probe return and stops the process.',
            impact(f, loop),
            fix ? '' : 'No resolver in the evidence answered from the CoreDNS nodes, so no Corefile edit could be proven; the advice says where the real upstreams are.',
          ].filter(Boolean).join(' '),
          evidenceRefs: [...refs, ...(f.corefile ? [f.corefile.id] : []), ...f.nodeResolvConfs.map((n) => n.id)],
          fixes,
          confidence: 0.98,
          decisive: decisive('loop', targets),
        }),
      ];
    }
    const refused = exits.filter((e) => e.cause === 'corefile-refused');
    if (refused.length > 0) {
      const err = refused[0]!.startup!;
      const line = f.corefile?.text.split('\n')[err.line - 1]?.trim();
      const fix = /Corefile$/.test(err.file) ? refusedCorefileFix(f, err) : undefined;
      return [
        makeFinding(id, meta, 'corefile-refused', {
          severity,
          explanation: [
            `CoreDNS pods ${podsText(refused)} exit at start-up because CoreDNS refuses its configuration: ${err.text}`,
            line !== undefined && /Corefile$/.test(err.file) ? `Line ${err.line} of the Corefile in ${f.corefile!.configMap.namespace}/${f.corefile!.configMap.name} is "${line}".` : `The error is in ${err.file}, a file the Corefile imports.`,
            'A running CoreDNS with the reload plugin keeps its old configuration when a new one is refused, but every pod that starts (a restart, a rollout, a new node) reads the refused one and exits again.',
            impact(f, refused),
          ].join(' '),
          evidenceRefs: [...refs, ...(f.corefile ? [f.corefile.id] : [])],
          fixes: [...(fix ? [fix] : []), refusedAdvice(f, err)],
          confidence: 0.98,
          decisive: decisive('corefile', { file: err.file, line: err.line, message: err.message }),
        }),
      ];
    }
    const oom = exits.filter((e) => e.cause === 'oom-killed');
    if (oom.length > 0) {
      const loopsWithoutPlugin = loopbackTargets(f).length > 0 && !/^\s*loop\s*$/m.test(f.corefile?.text ?? '');
      // Killed before but running and ready again, none waiting to restart: a past OOM is worth knowing,
      // not the cause of a lookup that the replicas answer now.
      const recovered = oom.every((e) => e.pod.ready && e.pod.waitingReason === undefined) && ready > 0;
      return [
        makeFinding(id, meta, 'oom-killed', {
          severity: recovered ? 'info' : oom.some((e) => !e.pod.ready) || ready === 0 ? 'error' : 'warn',
          explanation: [
            `CoreDNS pods ${podsText(oom)} were killed by the kernel for using more memory than their limit (OOMKilled, exit code 137).`,
            loopsWithoutPlugin ? `The Corefile forwards to ${listText(loopbackTargets(f))}, which is CoreDNS itself, and has no loop plugin to stop it: the forwarded queries go round and multiply, which is what fills the memory.` : '',
            recovered ? `${oom.length === 1 ? 'It runs' : 'They run'} again and ${oom.length === 1 ? 'is' : 'are'} ready, so lookups are answered now; another OOM would take ${oom.length === 1 ? 'it' : 'them'} out of the Service's endpoints while restarting.` : impact(f, oom),
          ].filter(Boolean).join(' '),
          evidenceRefs: refs,
          fixes: [oomAdvice(loopsWithoutPlugin)],
          confidence: 0.9,
          decisive: decisive('oom', loopsWithoutPlugin),
        }),
      ];
    }
    const tail = exits.flatMap((e) => e.logs.map((l) => `${e.pod.name}${l.previous ? ' (previous)' : ''}: ${l.text.trim().split('\n').slice(-3).join(' | ') || '(empty)'}`));
    return [
      makeFinding(id, meta, 'crash-looping', {
        severity,
        explanation: `CoreDNS pods ${podsText(exits)} keep restarting, and neither their status nor their log names a cause dnswhy knows. ${tail.length > 0 ? `Last log lines: ${tail.join('; ')}.` : 'Their logs could not be read.'} ${impact(f, exits)}`,
        evidenceRefs: [...refs, ...f.probeErrorsAbout('logs').map((p) => p.id)],
        fixes: [{ kind: 'advice', title: 'Read why CoreDNS exits', blastRadius: 'Every pod that uses cluster DNS.', risk: 'low', steps: [`kubectl -n ${exits[0]!.pod.namespace} describe pod ${exits[0]!.pod.name} and kubectl -n ${exits[0]!.pod.namespace} logs --previous ${exits[0]!.pod.name}: the last lines before the exit, and the events (probes failing, image pulls, scheduling).`] }],
        confidence: 0.7,
        decisive: decisive('other', exits.map((e) => e.pod.lastTermination?.reason ?? e.pod.waitingReason)),
      }),
    ];
  },
});

export default corednsCrashLoop;
