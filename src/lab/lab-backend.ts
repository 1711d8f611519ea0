/**
 * The lab behind the API server: admission of new pods (node, IP, files), the controllers run
 * after writes (rollouts, ReplicaSet replacements, CoreDNS reloads and restarts), probe pods and
 * ephemeral containers, exec, logs and the pod proxy.
 */
import { defaultCorednsLocation } from '../core/model/coredns-location.js';
import { nodeLocalConfigMap } from '../core/corefile/node-local.js';
import { randomBytes } from 'node:crypto';
import type { NetworkPosition } from '../core/network-position.js';
import { authorize, serviceAccountUser, type BindingObject, type RbacObjects, type ResourceRequest, type RoleObject, type UserInfo } from './rbac/authorizer.js';
import type { ApiBackend, ProxyResponse } from './apiserver/backend.js';
import { podHostname } from './kubelet/hosts-file.js';
import type { ExecResult } from '../core/cluster-access.js';
import type { PodRuntime } from '../probes/pod-probe/run-pod-probe.js';
import { execInPod } from './pods/exec-command.js';
import type { LabDnsPort } from './pods/lab-dns-port.js';
import { isProbeCommand, type ProbeRunner } from './pods/probe-runner.js';
import type { RbacDenial } from './scenario/schema.js';
import { DeploymentController } from './state/deployment-controller.js';
import { DirectOwnerController, type RolledKind } from './state/direct-owner-controller.js';
import { defaultPodSpec, podStatus } from './state/kube-objects.js';
import type { LabState } from './state/lab-state.js';
import type { ChangeType, KubeObject } from './state/object-store.js';
import type { ResourceType } from './state/resources.js';
import { enforcedLevel, podSecurityRefusal, podSecurityViolations } from './apiserver/pod-security.js';
import { admitPodQuota } from './apiserver/resource-quota.js';
import { ImagePulls } from './kubelet/image-pulls.js';
import { recordPullEvent } from './kubelet/pull-events.js';
import { taintRejection, untolerated, type Taint } from './kubelet/taints.js';

/** Executables of well-known images, for pods created through the API. */
function commandsOfImage(image: string): string[] {
  const i = image.toLowerCase();
  const has = (...names: string[]) => names.some((n) => i.includes(n));
  const out = ['cat'];
  if (has('busybox')) out.push('nslookup', 'hostname');
  if (has('alpine')) out.push('nslookup', 'getent', 'hostname');
  if (has('ubuntu', 'debian')) out.push('getent', 'hostname');
  if (has('dnsutils', 'netshoot', 'dnswhy')) out.push('dig', 'nslookup', 'host', 'getent', 'hostname');
  if (has('dnswhy')) out.push('dnswhy');
  return [...new Set(out)];
}

const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export interface LabBackendDeps {
  network: NetworkPosition;
  probeRunner: ProbeRunner;
  dns?: LabDnsPort;
  /** Denials on top of RBAC for the worker's service account (the scenario's `rbac.deny`). */
  deny: RbacDenial[];
  /** The user `deny` applies to. */
  deniedUser: string;
  /** Minor version of the emulated Kubernetes. */
  minorVersion: number;
}

/** One authorisation decision, as an API server's audit log would record it. */
export interface AuditEntry extends ResourceRequest {
  user: string;
  allowed: boolean;
  by?: string;
}

export class LabBackend implements ApiBackend {
  readonly store;
  readonly minorVersion: number;
  /** Every authorisation decision for a resource request, in order (tests read it). */
  readonly audit: AuditEntry[] = [];
  private readonly tokens = new Map<string, UserInfo>();
  readonly deployments: DeploymentController;
  readonly directOwners: DirectOwnerController;
  /** Work started after a response (probe runs, pod starts): awaited by stop() and by tests. */
  private readonly pending = new Set<Promise<void>>();
  dns: LabDnsPort | undefined;
  /** What each node's kubelet has pulled (first pulls take the node's imagePullSeconds). */
  readonly images: ImagePulls;
  /** Set by close(): waits for image pulls end, so stopping the lab never waits for one. */
  private closed = false;

  constructor(
    readonly lab: LabState,
    private readonly deps: LabBackendDeps,
  ) {
    this.store = lab.store;
    this.minorVersion = deps.minorVersion;
    this.dns = deps.dns;
    this.deployments = new DeploymentController(lab);
    this.directOwners = new DirectOwnerController(lab);
    this.images = new ImagePulls((node) => lab.nodes.get(node)?.imagePullSeconds ?? 0);
    // The images of the pods already running are on their nodes.
    for (const p of this.store.each('pods') as Iterable<any>) for (const c of p.spec.containers ?? []) this.images.have(p.spec.nodeName, c.image);
  }

  /** Stops waiting for image pulls (the lab is stopping). */
  close(): void {
    this.closed = true;
  }

  /** Resolves when every background task (probe runs, pod starts) has finished. */
  /**
   * Connects the DNS world: CoreDNS pods then follow their replicas. A replica whose process exited (a
   * Corefile it refused, a forwarding loop) makes its pod crash-loop: waiting in CrashLoopBackOff, not
   * ready (so it leaves the Service's endpoints), its restart count going up, its last termination
   * Error/1 and its log ending with the reason; a replica that starts again makes it Running and ready.
   */
  attachDns(dns: LabDnsPort | undefined): void {
    this.dns = dns;
    if (!dns) return;
    dns.onReplicaChange?.((name) => this.syncCorednsPod(name));
    for (const p of this.lab.corednsPods()) this.syncCorednsPod(p.name);
  }

  /** Restarts a crash-looping CoreDNS pod is shown with when the scenario does not say: the incident is under way. */
  private static readonly crashLoopRestarts = 5;

  /** CoreDNS pods this backend put into CrashLoopBackOff (a scenario's own waiting state is left alone). */
  private readonly crashLooping = new Set<string>();

  private syncCorednsPod(name: string): void {
    const ns = this.lab.scenario.coredns.namespace;
    const rt = this.lab.runtime.get(`${ns}/${name}`);
    const pod = this.lab.pod(ns, name) as any;
    if (!rt || !pod) return;
    const exit = this.dns?.replicaExit?.(name);
    const before = rt.history ?? {};
    if (exit) {
      this.crashLooping.add(name);
      const restarts = before.waiting ? (before.restarts ?? 0) + 1 : Math.max(before.restarts ?? 0, LabBackend.crashLoopRestarts);
      const container = pod.spec.containers?.[0]?.name ?? 'coredns';
      this.lab.setContainerHistory(
        ns,
        name,
        {
          restarts,
          waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${container} pod=${name}_${ns}(${pod.metadata.uid ?? ''})` },
          lastTerminated: { reason: exit.reason, exitCode: exit.exitCode, finishedAt: exit.at },
        },
        { current: exit.log, previous: exit.log },
      );
    } else if (this.crashLooping.delete(name)) {
      // It started again: the exited instance becomes the previous one.
      const { waiting: _, ...rest } = before;
      this.lab.setContainerHistory(ns, name, { ...rest, restarts: (before.restarts ?? 0) + 1 }, { current: '', previous: rt.logs.get(pod.spec.containers?.[0]?.name ?? '') ?? '' });
    }
    this.lab.refreshWorkloadStatus(ns, { pod });
  }

  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Makes `token` authenticate as `user` (the lab's kubeconfigs, kubectl create token). */
  addToken(token: string, user: UserInfo): void {
    this.tokens.set(token, user);
  }

  authenticate(token: string | undefined): UserInfo | undefined {
    return token ? this.tokens.get(token) : undefined;
  }

  authorize(user: UserInfo, req: ResourceRequest): boolean {
    const rbac: RbacObjects = {
      roles: [...this.store.list('roles'), ...this.store.list('clusterroles')] as unknown as RoleObject[],
      bindings: [...this.store.list('rolebindings'), ...this.store.list('clusterrolebindings')] as unknown as BindingObject[],
    };
    const resource = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
    const deniedHere =
      user.name === this.deps.deniedUser &&
      this.deps.deny.some((d) => d.verb === req.verb && (d.resource === resource || d.resource === '*') && (d.namespace === undefined || d.namespace === req.namespace));
    const d = deniedHere ? { allowed: false } : authorize(rbac, user, req);
    this.audit.push({ ...req, user: user.name, allowed: d.allowed, ...(d.by ? { by: d.by } : {}) });
    if (this.audit.length > 20_000) this.audit.splice(0, 10_000);
    return d.allowed;
  }

  issueToken(namespace: string, name: string, expirationSeconds = 3600): { token: string; expirationTimestamp: string } {
    const token = `lab-sa-${randomBytes(18).toString('base64url')}`;
    this.addToken(token, serviceAccountUser(namespace, name));
    return { token, expirationTimestamp: new Date(Date.now() + expirationSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z') };
  }

  admitCreate(t: ResourceType, obj: KubeObject): KubeObject {
    if (t.plural === 'services') return this.admitService(obj);
    if (t.plural === 'secrets') return admitSecret(obj);
    if (t.plural !== 'pods') return obj;
    const o = obj as any;
    const spec = defaultPodSpec(o.spec ?? {});
    // Validating admission, in the API server's order: Pod Security, then the quotas.
    const ns0 = o.metadata.namespace as string;
    const level = enforcedLevel((this.store.get('namespaces', undefined, ns0) as any)?.metadata?.labels);
    const violations = podSecurityViolations(spec, level);
    if (violations.length) throw podSecurityRefusal(o.metadata.name, level, violations);
    admitPodQuota({ ...o, spec }, this.store.list('resourcequotas', ns0), this.store.list('pods', ns0));
    const node = this.schedule(spec);
    spec.nodeName = node;
    const ip = spec.hostNetwork ? this.lab.nodes.get(node)!.ip : this.lab.allocateIp(node);
    const ns = o.metadata.namespace;
    const image = spec.containers?.[0]?.image ?? '';
    const probe = isProbeCommand(spec.containers?.[0]?.command);
    this.lab.runtime.set(`${ns}/${o.metadata.name}`, { commands: [...commandsOfImage(image), ...(probe ? ['dnswhy'] : [])], logs: new Map() });
    return {
      ...obj,
      metadata: { ...o.metadata, labels: o.metadata.labels ?? {} },
      spec,
      status: podStatus({ ip, hostIP: this.lab.nodes.get(node)!.ip, phase: 'Pending', ready: false, startedAt: stamp(), containers: spec.containers }),
    };
  }

  /** A new Service gets type ClusterIP and a cluster IP from the DNS Service's /16 unless it is headless or ExternalName. */
  private admitService(obj: KubeObject): KubeObject {
    const spec = { ...((obj as any).spec ?? {}) };
    spec.type ??= spec.externalName ? 'ExternalName' : 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    spec.ports = (spec.ports ?? []).map((p: any) => ({ protocol: 'TCP', targetPort: p.port, ...p }));
    if (spec.type !== 'ExternalName' && !spec.clusterIP) {
      spec.clusterIP = this.lab.allocateServiceIp();
      spec.clusterIPs = [spec.clusterIP];
    }
    return { ...obj, spec, status: { loadBalancer: {} } };
  }

  /**
   * The scheduler's choice: spec.nodeName when it names a node, else a node matching
   * spec.nodeSelector (kubernetes.io/hostname or zone labels), else the least busy node.
   */
  private schedule(spec: any): string {
    if (spec.nodeName && this.lab.nodes.has(spec.nodeName)) return spec.nodeName;
    const selector: Record<string, string> = spec.nodeSelector ?? {};
    // Nodes whose NoSchedule and NoExecute taints the pod tolerates (when none does, the least busy node, as before).
    const tolerated = this.store
      .list('nodes')
      .filter((n) => untolerated(spec.tolerations, (n as any).spec?.taints, ['NoSchedule', 'NoExecute']).length === 0)
      .map((n) => n.metadata.name);
    if (Object.keys(selector).length) {
      const fits = this.store
        .list('nodes')
        .filter((n) => Object.entries(selector).every(([k, v]) => n.metadata.labels?.[k] === v))
        .map((n) => n.metadata.name);
      const good = fits.filter((n) => tolerated.includes(n));
      if (good.length || fits.length) return this.lab.pickNode(good.length ? good : fits);
    }
    return tolerated.length ? this.lab.pickNode(tolerated) : this.lab.pickNode();
  }

  /**
   * The kubelet admits a pod bound to its node: an untolerated NoExecute taint rejects it at once
   * (Failed, TaintToleration); then the image is pulled (Pending, ContainerCreating, for as long as
   * the node's first pull takes), or fails with ErrImageNeverPull. False when the pod does not start.
   */
  private async kubeletAdmits(ns: string, name: string): Promise<boolean> {
    const pod = this.lab.pod(ns, name) as any;
    const node = this.store.get('nodes', undefined, pod.spec.nodeName) as any;
    const taints: Taint[] = untolerated(pod.spec.tolerations, node?.spec?.taints, ['NoExecute']);
    if (taints.length) {
      this.lab.rejectPod(ns, name, taintRejection(taints));
      return false;
    }
    const c = pod.spec.containers?.[0];
    if (!c) return true;
    const pull = this.images.pull(pod.spec.nodeName, c.image, c.imagePullPolicy);
    if ('never' in pull) {
      this.lab.setContainerHistory(ns, name, { waiting: pull.never });
      return false;
    }
    if (pull.waitMs === 0) return true;
    const started = Date.now();
    const until = started + pull.waitMs;
    recordPullEvent(this.store, pod, 'Pulling', `Pulling image "${c.image}"`);
    while (Date.now() < until) {
      if (this.closed || !this.lab.pod(ns, name)) return false;
      await new Promise((r) => setTimeout(r, Math.min(100, until - Date.now())).unref());
    }
    const still = this.lab.pod(ns, name);
    if (still) recordPullEvent(this.store, still, 'Pulled', `Successfully pulled image "${c.image}" in ${((Date.now() - started) / 1000).toFixed(3)}s`);
    return !!still;
  }

  async afterWrite(t: ResourceType, type: ChangeType, obj: KubeObject, previous?: KubeObject): Promise<void> {
    const o = obj as any;
    const ns = o.metadata.namespace as string;
    const c = this.lab.scenario.coredns;
    const isCoredns = (p: any) => p.metadata.namespace === c.namespace && Object.entries(c.labels).every(([k, v]) => p.metadata.labels?.[k] === v);
    switch (t.plural) {
      case 'pods':
        if (type === 'ADDED') this.background(this.startPod(ns, o.metadata.name));
        if (type === 'DELETED') {
          this.lab.runtime.delete(`${ns}/${o.metadata.name}`);
          const replacement = this.deployments.replaceDeleted(obj);
          if (isCoredns(o) || (replacement && isCoredns(replacement))) await this.dns?.setReplicas(this.lab.corednsPods());
        }
        if (type === 'MODIFIED') {
          const before = new Set(((previous as any)?.spec?.ephemeralContainers ?? []).map((x: any) => x.name));
          for (const ec of o.spec.ephemeralContainers ?? []) {
            if (!before.has(ec.name)) this.background(this.runEphemeral(ns, o.metadata.name, ec));
          }
        }
        break;
      case 'deployments': {
        const prev = previous as any;
        const changed = type === 'MODIFIED' && (JSON.stringify(prev?.spec?.template) !== JSON.stringify(o.spec.template) || prev?.spec?.replicas !== o.spec.replicas);
        if (changed) {
          const podsChanged = this.deployments.reconcile(ns, o.metadata.name);
          if (podsChanged && ns === c.namespace && o.metadata.name === c.deployment) await this.dns?.setReplicas(this.lab.corednsPods());
        }
        break;
      }
      case 'statefulsets':
      case 'daemonsets':
        if (type === 'MODIFIED' && JSON.stringify((previous as any)?.spec?.template) !== JSON.stringify(o.spec.template)) {
          this.directOwners.reconcile(t.kind as RolledKind, ns, o.metadata.name);
        }
        break;
      case 'configmaps':
        if (ns === c.namespace && o.metadata.name === c.configMap && type !== 'DELETED') {
          const { Corefile, ...files } = (o.data ?? {}) as Record<string, string>;
          if (Corefile !== undefined && JSON.stringify(o.data) !== JSON.stringify((previous as any)?.data)) this.dns?.reloadCorefile(Corefile, files);
        }
        if (ns === c.namespace && o.metadata.name === defaultCorednsLocation.customConfigMap && JSON.stringify(o.data ?? {}) !== JSON.stringify((previous as any)?.data ?? {})) {
          // Deleting the ConfigMap empties the directory the imports read (the volume is optional, as on AKS).
          this.dns?.reloadCustomFiles?.(type === 'DELETED' ? {} : ((o.data ?? {}) as Record<string, string>));
        }
        if (ns === c.namespace && o.metadata.name === nodeLocalConfigMap && type !== 'DELETED' && typeof o.data?.Corefile === 'string' && o.data.Corefile !== (previous as any)?.data?.Corefile) {
          this.dns?.reloadNodeLocal?.(o.data.Corefile);
        }
        break;
    }
    // Namespaces and NetworkPolicies too: on the netns backend policies are nft rules over pods' IPs.
    if (['pods', 'services', 'deployments', 'statefulsets', 'daemonsets', 'namespaces', 'networkpolicies'].includes(t.plural)) await this.dns?.clusterChanged?.();
  }

  private background(p: Promise<void>): void {
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** The pod's containers start; a probe command runs to completion and becomes the log. */
  private async startPod(ns: string, name: string): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (!this.lab.pod(ns, name) || !(await this.kubeletAdmits(ns, name))) return;
    const pod = this.lab.pod(ns, name) as any;
    this.lab.setPodPhase(ns, name, 'Running');
    this.lab.refreshWorkloadStatus(ns, { pod });
    const command: string[] | undefined = pod.spec.containers?.[0]?.command;
    if (!isProbeCommand(command)) return;
    const argv = [...command!, ...(pod.spec.containers[0].args ?? [])];
    const r = await this.deps.probeRunner(argv, this.probeRuntime(ns, name));
    const rt = this.lab.runtime.get(`${ns}/${name}`);
    rt?.logs.set(pod.spec.containers[0].name, r.stdout + r.stderr);
    if (this.lab.pod(ns, name)) this.lab.setPodPhase(ns, name, r.exitCode === 0 ? 'Succeeded' : 'Failed', r.exitCode);
  }

  private async runEphemeral(ns: string, name: string, ec: any): Promise<void> {
    const setStatus = (state: unknown) => {
      const pod = this.lab.pod(ns, name) as any;
      if (!pod) return;
      const others = (pod.status.ephemeralContainerStatuses ?? []).filter((s: any) => s.name !== ec.name);
      const status = { name: ec.name, image: ec.image, imageID: '', containerID: `containerd://${'e'.repeat(64)}`, ready: false, restartCount: 0, state };
      this.store.update('pods', { ...pod, status: { ...pod.status, ephemeralContainerStatuses: [...others, status] } });
    };
    const started = stamp();
    await new Promise((r) => setImmediate(r));
    setStatus({ running: { startedAt: started } });
    const argv = [...(ec.command ?? []), ...(ec.args ?? [])];
    let r: ExecResult = { stdout: '', stderr: '', exitCode: 0 };
    if (isProbeCommand(argv)) r = await this.deps.probeRunner(argv, this.probeRuntime(ns, name));
    this.lab.runtime.get(`${ns}/${name}`)?.logs.set(ec.name, r.stdout + r.stderr);
    setStatus({ terminated: { exitCode: r.exitCode, reason: r.exitCode === 0 ? 'Completed' : 'Error', startedAt: started, finishedAt: stamp() } });
  }

  private probeRuntime(ns: string, name: string): PodRuntime {
    const pod = this.lab.pod(ns, name) as any;
    const files = this.lab.podFiles(ns, name)!;
    return { network: this.deps.network, podIp: pod.status.podIP, node: pod.spec.nodeName, resolvConf: files.resolvConf, hosts: files.hosts };
  }

  podLog(ns: string, name: string, container: string, previous = false): { text: string } | { error: string } {
    const pod = this.lab.pod(ns, name) as any;
    const statuses: any[] = [...(pod?.status?.containerStatuses ?? []), ...(pod?.status?.ephemeralContainerStatuses ?? [])];
    const st = statuses.find((s) => s.name === container);
    const rt = this.lab.runtime.get(`${ns}/${name}`);
    if (previous) {
      // Only a container that restarted has a previous instance (the API server's wording when it has none).
      const text = rt?.previousLogs?.get(container);
      if (!st?.restartCount || text === undefined) return { error: `previous terminated container "${container}" in pod "${name}" not found` };
      return { text };
    }
    // A container waiting to be restarted (CrashLoopBackOff) still has the log of the instance that just exited.
    const restarting = st?.state?.waiting && st.restartCount > 0;
    if (!st || (st.state?.waiting && !restarting)) {
      return { error: `container "${container}" in pod "${name}" is waiting to start: ${st?.state?.waiting?.reason ?? 'ContainerCreating'}` };
    }
    const c = this.lab.scenario.coredns;
    const coredns = ns === c.namespace && Object.entries(c.labels).every(([k, v]) => pod?.metadata?.labels?.[k] === v);
    // A running CoreDNS container's log is what its replica writes; a crashed one keeps the log of its exit.
    if (coredns && !restarting && container === pod.spec.containers?.[0]?.name && this.dns?.replicaLogs) {
      const live = this.dns.replicaLogs(name);
      // Lines the scenario gave for this instance (before the lab started) come first.
      if (live !== undefined) return { text: (rt?.logs.get(container) ?? '') + live };
    }
    return { text: rt?.logs.get(container) ?? '' };
  }

  async exec(ns: string, name: string, container: string, argv: string[]): Promise<ExecResult> {
    const pod = this.lab.pod(ns, name) as any;
    const rt = this.lab.runtime.get(`${ns}/${name}`);
    const ephemeral = (pod.spec.ephemeralContainers ?? []).some((c: any) => c.name === container);
    // An ephemeral container runs its own image: its executables are that image's.
    const commands = ephemeral ? commandsOfImage((pod.spec.ephemeralContainers ?? []).find((c: any) => c.name === container).image) : (rt?.commands ?? ['cat']);
    return execInPod(
      { namespace: ns, name, ip: pod.status.podIP, node: pod.spec.nodeName, hostname: podHostname({ name, hostname: pod.spec.hostname }), commands, files: this.lab.podFiles(ns, name)! },
      argv,
      { ...(this.dns ? { dns: this.dns } : {}), probeRunner: this.deps.probeRunner, probeRuntime: () => this.probeRuntime(ns, name) },
    );
  }

  async proxyPod(ns: string, name: string, port: number | undefined, path: string): Promise<ProxyResponse> {
    const pod = this.lab.pod(ns, name) as any;
    const ports: number[] = (pod.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort));
    const target = port ?? ports[0] ?? 80;
    const c = this.lab.scenario.coredns;
    const coredns = ns === c.namespace && Object.entries(c.labels).every(([k, v]) => pod.metadata.labels?.[k] === v);
    const refused = (): ProxyResponse => ({
      code: 503,
      contentType: 'application/json',
      body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `error trying to reach service: dial tcp ${pod.status.podIP}:${target}: connect: connection refused`, reason: 'ServiceUnavailable', code: 503 }),
    });
    if (!coredns || !this.dns) return refused();
    const clean = path.replace(/^\/+/, '');
    if (target === 9153 && clean === 'metrics') {
      const text = this.dns.metricsText(name);
      if (text === undefined) return refused();
      return { code: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', body: text };
    }
    if (target === 8080 && clean === 'health') return this.dns.metricsText(name) === undefined ? refused() : { code: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' };
    if (target === 8181 && clean === 'ready') return this.dns.metricsText(name) === undefined ? refused() : { code: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' };
    if (target === 9153 || target === 8080 || target === 8181) return { code: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };
    return refused();
  }
}

/** A Secret's stringData is folded into data (base64), as the API server stores it. */
function admitSecret(obj: KubeObject): KubeObject {
  const { stringData, ...rest } = obj as any;
  const data = { ...(rest.data ?? {}) };
  for (const [k, v] of Object.entries((stringData ?? {}) as Record<string, string>)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  return { ...rest, type: rest.type ?? 'Opaque', data };
}
