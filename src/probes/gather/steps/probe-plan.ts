/**
 * What the deep probes aim at: the DNS server address (the Service's ClusterIP, else the pod's
 * first nameserver), the CoreDNS endpoints, the Corefile's upstreams for the name, the TCP ports
 * and what is left of the deep-probe budget. No plan (and no probe pod) when probing is off or
 * there is no DNS server address at all; the latter is said as a probe-error.
 */
import type { Upstream } from '../forward-targets.js';
import { forwardTargetsFor } from '../forward-targets.js';
import type { CorednsLocation } from '../../../core/model/coredns-location.js';
import { defineStep } from '../step-graph.js';
import { elapsed, probeError } from '../run-step.js';
import { corefileStep } from './corefile.js';
import { dnsSideStep } from './dns-side.js';
import { podFilesStep } from './pod-files.js';

export interface ProbePlan {
  dnsServiceIp: string;
  endpoints: { ip: string; pod?: string; node?: string }[];
  upstreams: Upstream[];
  /** A name every CoreDNS replica answers itself (reachability apart from what it forwards). */
  reachName: string;
  tcpPorts: number[];
  /** The deep budget minus the time the reads took (at least 1 s). */
  deadlineMs: number;
}

export const probePlanStep = defineStep({
  name: 'probe plan',
  inputs: { dnsSide: dnsSideStep, corefile: corefileStep, podFiles: podFilesStep },
  async run(ctx, inputs) {
    if (ctx.probeMode === 'none') return { value: undefined, evidence: [] };
    const [{ value: dns }, { value: corefile }, { value: files }] = await Promise.all([inputs.dnsSide, inputs.corefile, inputs.podFiles]);
    const dnsServiceIp = dns?.service?.clusterIP && dns.service.clusterIP !== 'None' ? dns.service.clusterIP : firstNameserver(files.resolvConf);
    if (!dnsServiceIp) {
      const err = new Error('neither the DNS Service nor the pod resolv.conf could be read, so there is no DNS server address to probe');
      return { value: undefined, evidence: [probeError('deep probes', 'what the pod position sees (stub resolver, CoreDNS endpoints, TCP)', err, ctx.started)] };
    }
    // EndpointSlices name the pods that receive queries; without them, the CoreDNS pods are the best guess.
    const addresses = dns?.endpoints?.addresses.length ? dns.endpoints.addresses : (dns?.corednsPods ?? []).map((p) => ({ ip: p.ip, targetPod: { namespace: p.namespace, name: p.name }, nodeName: p.node }));
    const endpoints = addresses
      .filter((a) => a.ip)
      .map((a) => {
        const cp = dns?.corednsPods.find((p) => p.ip === a.ip);
        const pod = a.targetPod?.name ?? cp?.name;
        const node = a.nodeName ?? cp?.node;
        return { ip: a.ip, ...(pod ? { pod } : {}), ...(node ? { node } : {}) };
      });
    const { target, pod } = ctx;
    const plan: ProbePlan = {
      dnsServiceIp,
      endpoints,
      upstreams: corefile ? forwardTargetsFor(corefile.text, corefile.files, target.name, pod.ip) : [],
      reachName: selfAnsweredName(ctx.coredns, files.resolvConf, corefile?.text),
      tcpPorts: target.port ? [target.port] : [80, 443],
      deadlineMs: Math.max(1000, ctx.timeouts.deepMs - elapsed(ctx.started)),
    };
    ctx.progress('starting probe pods');
    return { value: plan, evidence: [] };
  },
});

/**
 * A name every CoreDNS replica answers itself: the DNS Service's own record in the cluster zone
 * (from the pod's search list, else the Corefile's kubernetes zone, else cluster.local).
 */
export function selfAnsweredName(loc: CorednsLocation, resolvConf: string | undefined, corefile: string | undefined): string {
  const fromSearch = /^\s*search\s+(.*)$/m.exec(resolvConf ?? '')?.[1]?.split(/\s+/).find((d) => d.startsWith('svc.'))?.slice(4);
  const fromCorefile = /^\s*kubernetes\s+([^\s{]+)/m.exec(corefile ?? '')?.[1];
  const domain = (fromSearch ?? (fromCorefile && !fromCorefile.endsWith('arpa') ? fromCorefile : undefined) ?? 'cluster.local').replace(/\.$/, '');
  return `${loc.service}.${loc.namespace}.svc.${domain}.`;
}

function firstNameserver(resolvConf: string | undefined): string | undefined {
  return /^\s*nameserver\s+(\S+)/m.exec(resolvConf ?? '')?.[1];
}
