/**
 * gatherEvidence: everything dnswhy learns about one pod and one name (DESIGN.md §4). The pod
 * argument is resolved first; then cluster reads, exec in the pod, the image's tools, deep probe
 * pods and CoreDNS metrics all run in parallel with short deadlines. Each failure becomes a
 * `probe-error` evidence item; evidence ids are numbered e1..eN in a fixed order at the end.
 */
import type { ClusterAccess, ClusterPod, NamespaceInfo, ProbePodSpec } from '../../core/cluster-access.js';
import type { Evidence, EvidenceOrigin, MetricsEvidence, NodeFacts, OwnerRef, PodFacts } from '../../core/model/index.js';
import type { NetworkPosition } from '../../core/network-position.js';
import { readCorefile, readDnsSide, readNetworkPolicies, readNodeLocalDns, readNodes, readServices, type DnsSide } from './cluster-reads.js';
import { defaultCorednsLocation, type CorednsLocation } from '../../core/model/coredns-location.js';
import { fitBurst } from './burst-budget.js';
import { forwardTargetsFor, type Upstream } from './forward-targets.js';
import { podOrigin, readPodFiles, runPodTools } from './pod-exec.js';
import { workerQueries, type WorkerTarget } from './worker-view.js';
import { defaultProbeImage, probeCommand, probeName, probePodLabels, runEphemeralProbe, runProbePod, type ProbeSpecJson } from './probe-pods.js';
import { parseCorednsMetrics } from '../../core/metrics/prometheus-metrics.js';
import { resolvePodArgument } from './resolve-pod.js';
import { elapsed, probeError, renumber, startTiming, withTimeout } from './steps.js';

export { PodNotFoundError } from './resolve-pod.js';

/** What to diagnose: the pod argument and the name it cannot resolve. */
export interface GatherTarget {
  /** 'ns/pod' | 'pod' (with namespace) | 'deploy/name' | a unique prefix */
  pod: string;
  namespace?: string;
  /** The DNS name (without port). */
  name: string;
  /** The TCP port the application connects to (default: 80 and 443 are tried). */
  port?: number;
  /** Container to exec in (default: the pod's first container). */
  container?: string;
}

/** Deadlines per kind of step, in ms. */
export interface GatherTimeouts {
  readMs: number;
  execMs: number;
  toolMs: number;
  deepMs: number;
  metricsMs: number;
}

// toolMs: the image's getent waits as libc does (5 s per lost try), so it gets longer than an API read; it runs beside the deep probes.
export const defaultTimeouts: GatherTimeouts = { readMs: 5000, execMs: 5000, toolMs: 12000, deepMs: 15000, metricsMs: 4000 };

export interface GatherOptions {
  /** How this process reaches cluster addresses (identity in a real cluster, the lab's map in the lab). */
  network: NetworkPosition;
  /** Deep probes from a twin pod (default), an ephemeral container in the pod, or none. */
  probeMode?: 'twin-pod' | 'ephemeral' | 'none';
  /** Node-view probe pods on the target's node and the CoreDNS nodes (default true unless probeMode 'none'). */
  nodeView?: boolean;
  burst?: { count: number; concurrency: number };
  onProgress?: (step: string) => void;
  /** Probe image (default ghcr.io/dnswhy/dnswhy:0.1.0). */
  image?: string;
  /** Where CoreDNS lives, when not kube-system/kube-dns/coredns. */
  coredns?: Partial<CorednsLocation>;
  /** libc of the target image, when known (default: guessed from the image name). */
  libc?: 'glibc' | 'musl';
  timeouts?: Partial<GatherTimeouts>;
  /** Poll interval while waiting for probe pods (default 200 ms). */
  pollMs?: number;
  /**
   * Called once the cheap evidence (API reads, exec in the pod) is in, before the deep probes end
   * (DESIGN.md §4.5: post early findings, refine later). Its ids stay valid in the final result.
   */
  onEarlyEvidence?: (early: { pod: PodFacts; evidence: Evidence[]; resolvedFrom?: string }) => void;
}

export interface GatherResult {
  pod: PodFacts;
  evidence: Evidence[];
  apiRequests: number;
  resolvedFrom?: string;
}

/** glibc unless the image name says Alpine/musl (the twin probe emulates the target's libc). */
export function guessLibc(images: string[] | undefined): 'glibc' | 'musl' {
  return (images ?? []).some((i) => /alpine|musl|busybox:.*musl/i.test(i)) ? 'musl' : 'glibc';
}

function podResolvConf(evidence: Evidence[]): string | undefined {
  const rc = evidence.find((e) => e.kind === 'resolv-conf');
  return rc?.kind === 'resolv-conf' ? rc.text : undefined;
}

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

function firstNameserver(evidence: Evidence[]): string | undefined {
  return /^\s*nameserver\s+(\S+)/m.exec(podResolvConf(evidence) ?? '')?.[1];
}

const settle = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

/**
 * Gather the evidence for one pod and one name. Throws PodNotFoundError (with the closest names)
 * when the pod argument matches nothing, InputError when it is malformed, and ClusterError when
 * the pod itself cannot be read; every later failure is reported as evidence instead.
 */
export async function gatherEvidence(access: ClusterAccess, target: GatherTarget, opts: GatherOptions): Promise<GatherResult> {
  const startRequests = access.apiRequests;
  const to = { ...defaultTimeouts, ...opts.timeouts };
  const loc: CorednsLocation = { ...defaultCorednsLocation, ...opts.coredns };
  const progress = (s: string) => opts.onProgress?.(s);
  const image = opts.image ?? defaultProbeImage;
  const probeMode = opts.probeMode ?? 'twin-pod';

  progress(`resolving pod ${target.pod}`);
  const resolved = await resolvePodArgument(access, target.pod, target.namespace);
  const pod = resolved.pod;
  // The owner (ReplicaSet → Deployment, with its version) is read alongside everything else.
  const ownerP = pod.directOwner ? settle(ownerWithVersion(access, pod.namespace, pod.directOwner)) : Promise.resolve(undefined);
  const container = target.container ?? pod.containers[0] ?? '';
  const podT = startTiming();

  progress('reading cluster objects');
  const nodesR = readNodes(access, to.readMs);
  const nodes: Promise<NodeFacts[] | undefined> = nodesR.then((r) => (r.ok ? r.value : undefined));
  const nsRead = (async (): Promise<{ value?: NamespaceInfo[]; evidence: Evidence[] }> => {
    const t = startTiming();
    try {
      return { value: await withTimeout('list namespaces', to.readMs, access.listNamespaces()), evidence: [] };
    } catch (err) {
      return { evidence: [probeError('list namespaces', 'namespace names and labels (NetworkPolicy namespaceSelectors)', err, t, { kind: 'api' })] };
    }
  })();
  const nsR = nsRead.then((r) => r.value);
  const nsEvidence = nsRead.then((r) => r.evidence);
  const dnsR = readDnsSide(access, loc, nodes, to.readMs);
  const dnsSide: Promise<DnsSide | undefined> = dnsR.then((r) => (r.ok ? r.value : undefined));
  const corefileR = readCorefile(access, loc, to.readMs);
  const servicesE = readServices(access, nsR, to.readMs);
  const netpolE = readNetworkPolicies(access, pod, loc, nsR, dnsSide.then((d) => d?.corednsPods ?? []), to.readMs);
  const nodeLocalE = readNodeLocalDns(access, loc, to.readMs);

  progress('reading /etc/resolv.conf and /etc/hosts in the pod');
  const filesE = readPodFiles(access, pod, container, to.execMs);
  const toolsE = runPodTools(access, pod, container, target.name, to.toolMs).then((ev) => {
    progress('pod tools finished');
    return ev;
  });

  const deepE = (async (): Promise<{ twin: Evidence[]; nodeView: Evidence[]; worker: Evidence[] }> => {
    if (probeMode === 'none') return { twin: [], nodeView: [], worker: [] };
    const t = startTiming();
    const [dns, corefile, files, nodeList] = await Promise.all([dnsSide, corefileR, filesE, nodes]);
    const dnsServiceIp = dns?.service?.clusterIP && dns.service.clusterIP !== 'None' ? dns.service.clusterIP : firstNameserver(files);
    if (!dnsServiceIp) {
      const err = new Error('neither the DNS Service nor the pod resolv.conf could be read, so there is no DNS server address to probe');
      return { twin: [probeError('deep probes', 'what the pod position sees (stub resolver, CoreDNS endpoints, TCP)', err, t)], nodeView: [], worker: [] };
    }
    const endpoints = (dns?.endpoints?.addresses.length ? dns.endpoints.addresses : (dns?.corednsPods ?? []).map((p) => ({ ip: p.ip, targetPod: { namespace: p.namespace, name: p.name }, nodeName: p.node })))
      .filter((a) => a.ip)
      .map((a) => {
        const cp = dns?.corednsPods.find((p) => p.ip === a.ip);
        const podName = a.targetPod?.name ?? cp?.name;
        const node = a.nodeName ?? cp?.node;
        return { ip: a.ip, ...(podName ? { pod: podName } : {}), ...(node ? { node } : {}) };
      });
    const upstreams: Upstream[] = corefile.ok ? forwardTargetsFor(corefile.value.text, corefile.value.files, target.name, pod.ip) : [];
    const tcpPorts = target.port ? [target.port] : [80, 443];
    const deadline = Math.max(1000, to.deepMs - elapsed(t));
    progress('starting probe pods');

    const twinSpec: ProbeSpecJson = {
      mode: 'twin',
      name: target.name,
      ...(target.port ? { port: target.port } : {}),
      dnsServiceIp,
      endpoints,
      reachName: selfAnsweredName(loc, podResolvConf(files), corefile.ok ? corefile.value.text : undefined),
      tcpPorts,
      burst: fitBurst(opts.burst ?? { count: 200, concurrency: 20 }, podResolvConf(files), deadline),
      libc: opts.libc ?? guessLibc(pod.images),
    };
    const twinP: Promise<Evidence[]> =
      probeMode === 'ephemeral'
        ? runEphemeralProbe(access, pod, image, { ...twinSpec, origin: { namespace: pod.namespace, name: pod.name, ...(pod.node ? { node: pod.node } : {}) } }, deadline, opts.pollMs)
        : (() => {
            const name = probeName('dnswhy-twin');
            const specOrigin = { namespace: pod.namespace, name, ...(pod.node ? { node: pod.node } : {}), twinOf: `${pod.namespace}/${pod.name}` };
            const spec: ProbePodSpec = {
              namespace: pod.namespace,
              name,
              labels: { ...probePodLabels, 'dnswhy.io/role': 'twin' },
              image,
              command: probeCommand({ ...twinSpec, origin: specOrigin }),
              ...(pod.node ? { nodeName: pod.node } : {}),
              dnsPolicy: pod.dnsPolicy,
              ...(pod.dnsConfig ? { dnsConfig: pod.dnsConfig } : {}),
              hostAliases: pod.hostAliases,
              ...(pod.hostNetwork ? { hostNetwork: true } : {}),
              activeDeadlineSeconds: Math.ceil(deadline / 1000) + 30,
            };
            const origin = (ip: string | undefined): EvidenceOrigin => ({
              kind: 'probe-pod',
              namespace: pod.namespace,
              name,
              ...(ip ? { ip } : {}),
              ...(pod.node ? { node: pod.node } : {}),
              twinOf: `${pod.namespace}/${pod.name}`,
            });
            return runProbePod(access, {
              label: 'twin probe pod',
              what: `deep probes from ${pod.namespace}/${pod.name}'s position (its resolv.conf through the stub resolver, the DNS Service, every CoreDNS endpoint over UDP and TCP, TCP to the answers, burst)`,
              pod: spec,
              origin,
              timeoutMs: deadline,
              ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
            });
          })();

    const viewNodes = opts.nodeView === false ? [] : [...new Set([pod.node, ...(dns?.corednsPods ?? []).map((p) => p.node)].filter(Boolean))];
    const nodeViewP = Promise.all(
      viewNodes.map((node) => {
        const name = probeName('dnswhy-node');
        const facts = nodeList?.find((n) => n.name === node);
        const nodeIp = facts?.ip;
        const spec: ProbeSpecJson = {
          mode: 'node-view',
          name: target.name,
          dnsServiceIp,
          endpoints,
          tcpPorts,
          upstreams: upstreams.map((u) => ({ ip: u.ip, port: u.port })),
          node,
          ...(facts?.zone ? { zone: facts.zone } : {}),
        };
        return runProbePod(access, {
          label: `node-view probe on ${node}`,
          what: `what ${node}'s own resolvers${upstreams.length ? ' and the Corefile upstreams' : ''} answer for ${target.name} as seen from that node`,
          pod: {
            namespace: pod.namespace,
            name,
            labels: { ...probePodLabels, 'dnswhy.io/role': 'node-view' },
            image,
            command: probeCommand(spec),
            nodeName: node,
            dnsPolicy: 'Default',
            activeDeadlineSeconds: Math.ceil(deadline / 1000) + 30,
          },
          origin: () => ({ kind: 'node', name: node, ...(nodeIp ? { ip: nodeIp } : {}) }),
          timeoutMs: deadline,
          ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
        });
      }),
    ).then((lists) => lists.flat());

    const [twin, nodeView] = await Promise.all([twinP, nodeViewP]);
    progress('probe pods finished');
    // Probe pods could not run: ask from the worker what can still be asked (marked from: worker).
    const fallback: WorkerTarget[] = [];
    if (!twin.some((e) => e.kind === 'dns-query')) {
      fallback.push({ ip: dnsServiceIp, port: 53, role: 'dns-service' }, ...endpoints.map((e) => ({ ip: e.ip, port: 53, role: 'coredns-endpoint' as const, ...(e.pod ? { label: e.pod } : {}) })));
    }
    if (!nodeView.some((e) => e.kind === 'dns-query' && e.resolver.role === 'upstream')) {
      fallback.push(...upstreams.map((u) => ({ ip: u.ip, port: u.port, role: 'upstream' as const })));
    }
    const worker = fallback.length ? await workerQueries(opts.network, target.name, fallback) : [];
    return { twin, nodeView, worker };
  })();

  // Metrics after the deep probes: the counters then include what CoreDNS did with the probes' queries.
  const metricsE = (async (): Promise<Evidence[]> => {
    const [dns] = await Promise.all([dnsSide, deepE]);
    const running = (dns?.corednsPods ?? []).filter((p) => p.phase === 'Running');
    progress('reading CoreDNS metrics');
    return Promise.all(running.map((p) => readMetrics(access, p, loc, to.metricsMs)));
  })();

  // The cheap evidence first (reads and exec): it is a prefix of the final list, so its ids stay valid.
  const [owner, nodesRes, nsEv, dnsRes, corefileRes, services, netpol, nodeLocal, files, tools] = await Promise.all([
    ownerP,
    nodesR,
    nsEvidence,
    dnsR,
    corefileR,
    servicesE,
    netpolE,
    nodeLocalE,
    filesE,
    toolsE,
  ]);
  const nodeFacts = nodesRes.ok ? nodesRes.value : [];
  const zone = nodeFacts.find((n) => n.name === pod.node)?.zone;
  const podFacts: PodFacts = toPodFacts(pod, owner ?? pod.directOwner, zone);
  const podEv: Evidence = { id: '', kind: 'pod', from: { kind: 'api' }, at: podT.at, ms: 0, pod: podFacts };
  const cheap = [podEv, ...nodesRes.evidence, ...dnsRes.evidence, ...corefileRes.evidence, ...services, ...nsEv, ...netpol, ...nodeLocal, ...files, ...tools];
  if (opts.onEarlyEvidence) {
    try {
      opts.onEarlyEvidence({ pod: podFacts, evidence: renumber(cheap), ...(resolved.resolvedFrom ? { resolvedFrom: resolved.resolvedFrom } : {}) });
    } catch {
      // A failing listener (e.g. a Slack post) must not lose the diagnosis.
    }
  }
  const [deep, metrics] = await Promise.all([deepE, metricsE]);

  const evidence = renumber([
    ...cheap,
    ...deep.twin,
    ...deep.nodeView,
    ...deep.worker,
    ...metrics,
  ]);
  progress('evidence gathered');
  return {
    pod: podFacts,
    evidence,
    apiRequests: access.apiRequests - startRequests,
    ...(resolved.resolvedFrom ? { resolvedFrom: resolved.resolvedFrom } : {}),
  };
}

/** The top-level owner, with the workload's resourceVersion and generation (what a workload fix is proposed against). */
async function ownerWithVersion(access: ClusterAccess, namespace: string, direct: OwnerRef): Promise<OwnerRef> {
  const top = await access.resolveOwner(namespace, direct);
  const kind = (['Deployment', 'StatefulSet', 'DaemonSet'] as const).find((k) => k === top.kind);
  if (!kind) return top;
  const w = await settle(access.readWorkload(kind, namespace, top.name));
  return w ? { ...top, resourceVersion: w.resourceVersion, ...(w.generation !== undefined ? { generation: w.generation } : {}) } : top;
}

function toPodFacts(p: ClusterPod, owner: PodFacts['owner'], zone: string | undefined): PodFacts {
  return {
    namespace: p.namespace,
    name: p.name,
    ip: p.ip,
    node: p.node,
    ...(zone ? { zone } : {}),
    phase: p.phase,
    ready: p.ready,
    hostNetwork: p.hostNetwork,
    dnsPolicy: p.dnsPolicy,
    ...(p.dnsConfig ? { dnsConfig: p.dnsConfig } : {}),
    hostAliases: p.hostAliases,
    ...(owner ? { owner } : {}),
    labels: p.labels,
    containers: p.containers,
  };
}

/** CoreDNS metrics of one replica through pods/proxy → `metrics` evidence (or probe-error). */
async function readMetrics(access: ClusterAccess, p: ClusterPod, loc: CorednsLocation, timeoutMs: number): Promise<Evidence> {
  const t = startTiming();
  const from = podOrigin(p);
  try {
    const text = await withTimeout(`metrics ${p.name}`, timeoutMs, access.podProxyGet(p.namespace, p.name, loc.metricsPort, 'metrics'));
    const ev: MetricsEvidence = { id: '', kind: 'metrics', from, at: t.at, ms: elapsed(t), pod: p.name, ...(p.node ? { node: p.node } : {}), metrics: parseCorednsMetrics(text) };
    return ev;
  } catch (err) {
    return probeError(`metrics ${p.name}`, `CoreDNS metrics of ${p.name} (requests, rcodes, forward health, loaded config hash)`, err, t, { kind: 'api' });
  }
}
