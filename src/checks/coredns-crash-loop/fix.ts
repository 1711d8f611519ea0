/**
 * Fixes for coredns-crash-loop. A Corefile CoreDNS refuses gets a text edit for the refusals that come
 * with upgrades (proxy → forward; kubernetes `upstream`/`resyncperiod` removed), proven by the same
 * start-up validation and by evaluating the name with the edited Corefile. A forwarding loop gets the
 * forward target replaced by a resolver the evidence shows answering, proven the same way, and the
 * durable advice (kubelet's resolvConf). OOM gets advice.
 */
import { createTwoFilesPatch } from 'diff';
import { replaceForwardUpstreams } from '../../core/corefile/edit/index.js';
import { explain, type EvalQuery } from '../../core/corefile/evaluate/index.js';
import { checkCorefile } from '../../core/corefile/validate.js';
import { fileSourceOf } from '../../core/corefile/configmap-files.js';
import type { StartupError } from '../../core/corefile/startup-errors.js';
import type { CorefilePatchFix, Fix } from '../../core/model/index.js';
import { evalWorld } from '../lib/corefile-engine.js';
import { baseControls, forwardTargetsAfter, proveCorefileFix } from '../lib/corefile-fix.js';
import type { Facts } from '../lib/facts.js';
import { answeringUpstreams } from '../lib/forward-zone-fix.js';
import { fqdn, isUnder, listText } from '../lib/names.js';

/** A refusal we know how to mend: the edit of the offending line, and what it changes. */
interface Mend {
  /** The new line, null to delete it, undefined when the line is not the expected form. */
  edit: (line: string) => string | null | undefined;
  title: string;
  changes: string;
}

function mendFor(err: StartupError): Mend | undefined {
  if (/^Unknown directive 'proxy'$/.test(err.message)) {
    return {
      // forward takes proxy's FROM TO... form; proxy-only options (protocol, policy names) are not carried over.
      edit: (l) => (/^\s*proxy\s+\S+(\s+[^\s{#]+)+\s*$/.test(l) ? l.replace(/^(\s*)proxy\b/, '$1forward') : undefined),
      title: 'Replace the removed proxy plugin with forward',
      changes: 'proxy was removed in CoreDNS 1.5.0; forward takes the same FROM and upstream list',
    };
  }
  const prop = /^unknown property '(upstream|resyncperiod)'$/.exec(err.message);
  if (prop && err.plugin === 'kubernetes') {
    return {
      edit: (l) => (new RegExp(`^\\s*${prop[1]}(\\s.*)?$`).test(l) ? null : undefined),
      title: `Remove the kubernetes plugin's ${prop[1]} option`,
      changes: `kubernetes ${prop[1]} was removed in CoreDNS 1.7.0 (${prop[1] === 'upstream' ? 'CNAME targets are now resolved through CoreDNS itself' : 'it had no effect'}); CoreDNS refuses a Corefile that still has it`,
    };
  }
  return undefined;
}

/** The name the proof evaluates: the diagnosed name, or a cluster name when the diagnosed one is external and not forwarded. */
function probeName(f: Facts): string {
  return fqdn(f.queryName);
}

/** A proven edit of the line CoreDNS refused, or undefined when the refusal is not one we know how to mend. */
export function refusedCorefileFix(f: Facts, err: StartupError): CorefilePatchFix | undefined {
  const ev = f.corefile;
  const mend = mendFor(err);
  if (!ev || !mend || !/Corefile$/.test(err.file)) return undefined;
  const lines = ev.text.split('\n');
  const edited = mend.edit(lines[err.line - 1] ?? '');
  if (edited === undefined) return undefined;
  const after = [...lines.slice(0, err.line - 1), ...(edited === null ? [] : [edited]), ...lines.slice(err.line)].join('\n');
  const files = fileSourceOf(ev.files);
  const before = checkCorefile(ev.text, { file: err.file, files });
  const checked = checkCorefile(after, { file: err.file, files });
  const firstError = checked.diagnostics.find((d) => d.severity === 'error');
  // The edit must leave a Corefile CoreDNS starts with (another refusal further down is not mended by this one).
  if (!checked.ok || firstError || !before.diagnostics.some((d) => d.severity === 'error' && d.pos?.line === err.line)) return undefined;
  const world = evalWorld(f);
  const failing: EvalQuery = { name: probeName(f), type: 'A', client: f.pod.ip };
  const answer = explain(checked.model, failing, world);
  if (answer.rcode === 'SERVFAIL' || answer.rcode === 'REFUSED') return undefined;
  const controls = baseControls(f).map((q) => ({ q, e: explain(checked.model, q, world) }));
  const text = (e: ReturnType<typeof explain>) => (e.forwardTo?.length ? `forwarded to ${listText(e.forwardTo.map((u) => u.ip))}` : `${e.plugin ?? 'no plugin'} answers ${e.rcode}${e.answers.length ? ` ${e.answers.map((a) => a.data).join(', ')}` : ''}`);
  return {
    kind: 'corefile-patch',
    title: mend.title,
    blastRadius: 'The CoreDNS configuration of the whole cluster: CoreDNS starts again with it; every other line is unchanged.',
    risk: 'low',
    target: { namespace: ev.configMap.namespace, name: ev.configMap.name, key: 'Corefile', ...(ev.configMap.resourceVersion ? { resourceVersion: ev.configMap.resourceVersion } : {}) },
    before: ev.text,
    after,
    diff: createTwoFilesPatch('Corefile', 'Corefile', ev.text, after, 'before', 'after'),
    changes: `${edited === null ? 'removes' : 'rewrites'} line ${err.line} (${(lines[err.line - 1] ?? '').trim()}): ${mend.changes}`,
    simulation: {
      failing: { name: failing.name, type: 'A', client: failing.client, before: `CoreDNS refuses to start: ${err.message} (line ${err.line})`, after: text(answer), changed: true, rcodeAfter: answer.rcode as never, answersAfter: answer.answers },
      controls: controls.map(({ q, e }) => ({ name: q.name, type: q.type, client: q.client, before: 'CoreDNS refuses to start', after: text(e), changed: true })),
      proof: `The edited Corefile passes the checks CoreDNS runs at start-up (parse and plugin setup), and ${failing.name} is then ${text(answer)}.`,
    },
    // Crash-looping pods are restarted by kubelet and read the fixed ConfigMap; replicas still running an
    // older configuration pick it up through reload, if the Corefile has it.
    needsRestart: !/^\s*reload\s*$/m.test(after),
  };
}

/** Resolvers the evidence shows answering names (not loopback): what a looping forward could go to. */
function workingResolvers(f: Facts): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [ip, addrs] of answeringUpstreams(f)) if (!ip.startsWith('127.') && ip !== '::1') out.set(ip, addrs);
  return out;
}

/** A proven forward to resolvers that answer, in place of the target that loops back. */
export function loopForwardFix(f: Facts): CorefilePatchFix | undefined {
  const ev = f.corefile;
  const working = workingResolvers(f);
  if (!ev || working.size === 0) return undefined;
  const upstreams = [...working.keys()].slice(0, 3);
  const external = isUnder(f.queryName, f.clusterDomain) ? 'www.example.org' : f.queryName;
  const failing: EvalQuery = { name: fqdn(external), type: 'A', client: f.pod.ip };
  // Cluster names stay with the kubernetes plugin; every forwarded name changes on purpose, so only cluster names are controls.
  const dnsService = f.endpoints?.service;
  const controls = [
    ...baseControls(f).filter((q) => q.name !== failing.name && isUnder(q.name, f.clusterDomain)),
    { name: fqdn(`${dnsService?.name ?? 'kube-dns'}.${dnsService?.namespace ?? 'kube-system'}.svc.${f.clusterDomain}`), type: 'A', client: f.pod.ip },
  ];
  const world = evalWorld(f);
  const edit = replaceForwardUpstreams(ev.text, { upstreams }, { controls, world });
  return proveCorefileFix(f, edit, {
    title: `Forward to ${listText(upstreams)} instead of the resolver that loops back`,
    blastRadius: 'Every name the cluster forwards: it goes to these resolvers instead of the nodes\' resolv.conf.',
    risk: 'medium',
    failing,
    controls,
    world,
    proof: (after) => {
      const to = forwardTargetsAfter(after, (ips) => ips.every((ip) => working.has(ip)));
      if (!to) return undefined;
      return `After the edit CoreDNS forwards to ${listText(to)}, ${to.length === 1 ? 'which is not CoreDNS itself and answered' : 'which are not CoreDNS itself and answered'} when asked directly (${listText(to.map((ip) => `${ip}: ${working.get(ip)!.join(', ')}`))}).`;
    },
  }).fix;
}

export function loopAdvice(loopback: string[]): Fix {
  return {
    kind: 'advice',
    title: 'Point CoreDNS at the real upstream resolvers',
    blastRadius: 'Every name the cluster forwards, from every pod.',
    risk: 'medium',
    steps: [
      `CoreDNS reads the node's resolv.conf (dnsPolicy Default), and it lists ${listText(loopback) || 'a loopback resolver'}: inside the CoreDNS pod that address is CoreDNS itself. On systemd-resolved nodes set kubelet's resolvConf to /run/systemd/resolve/resolv.conf (the file with the real upstreams), restart kubelet, then delete the CoreDNS pods.`,
      'Or forward to the upstream resolvers explicitly in the Corefile (forward . <resolver IPs>).',
      'Do not remove the loop plugin: without it CoreDNS keeps forwarding the queries to itself until it runs out of memory.',
    ],
  };
}

export function refusedAdvice(f: Facts, err: StartupError): Fix {
  const cm = f.corefile?.configMap;
  return {
    kind: 'advice',
    title: `Fix line ${err.line} of the Corefile`,
    blastRadius: 'The CoreDNS configuration of the whole cluster.',
    risk: 'low',
    steps: [
      `CoreDNS refuses ${err.file} at line ${err.line}: ${err.message}. Edit it (kubectl -n ${cm?.namespace ?? 'kube-system'} edit configmap ${cm?.name ?? 'coredns'}) or roll the ConfigMap back to the version that worked; the pods pick it up when kubelet restarts them.`,
      'Check the change against the CoreDNS version the image runs: plugins and options are removed across versions (proxy in 1.5.0, kubernetes upstream in 1.7.0).',
    ],
  };
}

export function oomAdvice(loopsWithoutPlugin: boolean): Fix {
  return {
    kind: 'advice',
    title: loopsWithoutPlugin ? 'Stop the forwarding loop that eats CoreDNS\'s memory' : 'Give CoreDNS the memory it needs',
    blastRadius: 'The CoreDNS Deployment.',
    risk: 'low',
    steps: loopsWithoutPlugin
      ? [
          'The Corefile forwards to a loopback resolver and has no loop plugin: every forwarded query goes back into CoreDNS and multiplies until the container is killed. Forward to the real upstream resolvers (or fix kubelet\'s resolvConf) and put loop back.',
        ]
      : [
          'Raise the memory limit of the CoreDNS Deployment (kubectl -n kube-system edit deployment coredns), or add replicas so each holds less.',
          'Look at what drives memory: a large cache (cache CAPACITY), many watched Services and Endpoints (the kubernetes plugin keeps them all), a flood of queries (NodeLocal DNSCache takes most of it off CoreDNS).',
        ],
  };
}
