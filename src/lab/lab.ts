/**
 * Starts a lab from a scenario: the in-memory cluster, the DNS world (src/lab/dns) on the address map,
 * and the Kubernetes API server on loopback, in parallel; writes a kubeconfig for it. `stop()`
 * closes every server and socket it opened.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NetworkPosition } from '../core/network-position.js';
import { startApiServer, type RunningApiServer } from './apiserver/api-server.js';
import { labKubeconfig } from './kubeconfig.js';
import { LabBackend } from './lab-backend.js';
import { AddressMap } from './net/address-map.js';
import type { LabDnsPort } from './pods/lab-dns-port.js';
import { defaultProbeRunner, type ProbeRunner } from './pods/probe-runner.js';
import { loadScenarioFile, type Scenario } from './scenario/load-scenario.js';
import { ScenarioError } from './scenario/scenario-error.js';
import type { RbacDenial } from './scenario/schema.js';
import { LabState } from './state/lab-state.js';
import { selfSignedCert } from './apiserver/self-signed.js';
import { serviceAccountUser } from './rbac/authorizer.js';
import { loadShippedRbac, workerServiceAccount } from './rbac/shipped-rbac.js';
import type { ApiRole } from '../probes/kube/api-calls.js';
import { resourceByKind } from './state/resources.js';

export type { ProbeRunner } from './pods/probe-runner.js';
export { LabState } from './state/lab-state.js';

import type { DnsStarter } from './dns-starter.js';
export type { DnsStarter } from './dns-starter.js';

export interface StartLabOptions {
  /** 127.<secondOctet>.x.y is the lab's loopback range (random by default). */
  secondOctet?: number;
  /** Where to write the kubeconfig (a new temporary folder by default, removed by stop()). */
  kubeconfigDir?: string;
  /** Runs `dnswhy probe` in probe pods (default: runPodProbe of src/probes/pod-probe). */
  probeRunner?: ProbeRunner;
  /** The DNS world: `false` runs the API side alone; a function replaces startDnsWorld. */
  dns?: false | DnsStarter;
  /** Extra options for startDnsWorld (e.g. shorter timeouts in tests). */
  dnsOptions?: Record<string, unknown>;
  /** Denials for the worker's service account on top of its roles, added to the scenario's `rbac.deny`. */
  deny?: RbacDenial[];
  /** Which of dnswhy's shipped role groups are installed (default all: diagnose, patch, ephemeral-probes). */
  rbac?: readonly ApiRole[];
  /** The emulated Kubernetes minor version for authorisation (default 32; 35 and later: exec needs `create` too). */
  minorVersion?: number;
  /** API server port (0: any free port). */
  port?: number;
  /**
   * loopback (default; DNSWHY_LAB_BACKEND=netns switches) or netns: the same scenario on network
   * namespaces, nft and real libc tools (src/lab/netns), inside its crash-safe wrapper.
   */
  backend?: 'loopback' | 'netns';
}

/** A running lab. */
export interface Lab {
  scenario: Scenario;
  /** Cluster-admin credentials (system:masters), what `dnswhy lab` prints and kubectl uses. */
  kubeconfigPath: string;
  kubeconfig: string;
  /** The token of dnswhy's worker service account (bound to the shipped roles): what a worker uses. */
  workerKubeconfigPath: string;
  workerKubeconfig: string;
  apiUrl: string;
  /** The API server's certificate (PEM), its own authority: what clients verify it with. */
  ca: string;
  /** The cluster-admin bearer token (the one in kubeconfig). */
  adminToken: string;
  network: AddressMap;
  /**
   * Where a worker outside the pods sends from (diagnosis fallbacks): the address map on loopback;
   * on the netns backend a position whose packets go nowhere (the lab process has no route into
   * the namespaces, and must never use the host's).
   */
  workerNetwork: NetworkPosition;
  /** loopback or netns (docs/netns-lab.md). */
  backendName: 'loopback' | 'netns';
  /** What the backend says at start-up about how it carries the scenario (netns: delay, conntrack fills). */
  notes: readonly string[];
  /** The DNS world, or undefined when started with `dns: false`. */
  dns: LabDnsPort | undefined;
  state: LabState;
  backend: LabBackend;
  stop(): Promise<void>;
}

/** startDnsWorld, imported on use: a lab started without DNS never loads the Corefile engine. */
async function defaultDnsStarter(...args: Parameters<DnsStarter>): Promise<LabDnsPort> {
  const { startDnsWorld } = await import('./dns/dns-world.js');
  const [scenario, map, cluster, opts] = args;
  return startDnsWorld(scenario, map, cluster, opts);
}

/** How long stop() lets background probe runs finish before closing the DNS world under them. */
const stopGraceMs = 500;

export async function startLab(scenarioOrPath: Scenario | string, opts: StartLabOptions = {}): Promise<Lab> {
  const scenario = typeof scenarioOrPath === 'string' ? loadScenarioFile(scenarioOrPath) : scenarioOrPath;
  const kernel = (opts.backend ?? (process.env.DNSWHY_LAB_BACKEND === 'netns' ? 'netns' : 'loopback')) === 'netns' ? (await import('./netns/netns-lab.js')).netnsLabParts() : undefined;
  if (!kernel) {
    // A full conntrack table is the kernel's: the loopback lab has none to fill, and must not pretend.
    const full = scenario.nodes.flatMap((n, i) => (n.conntrackFull ? [{ path: `nodes[${i}].conntrackFull`, message: 'a full conntrack table needs the kernel: run this scenario with --backend netns (docs/netns-lab.md)' }] : []));
    if (full.length) throw new ScenarioError(typeof scenarioOrPath === 'string' ? scenarioOrPath : scenario.name, full);
  }
  const network = kernel?.map ?? new AddressMap(opts.secondOctet);
  const workerNetwork: NetworkPosition = kernel?.workerNetwork ?? network;
  const state = new LabState(scenario);
  const worker = serviceAccountUser(workerServiceAccount.namespace, workerServiceAccount.name);
  const backend = new LabBackend(state, {
    network,
    probeRunner: opts.probeRunner ?? kernel?.probeRunner ?? defaultProbeRunner,
    deny: [...(scenario.rbac?.deny ?? []), ...(opts.deny ?? [])],
    deniedUser: worker.name,
    minorVersion: opts.minorVersion ?? 32,
  });
  // dnswhy is installed in the lab as a user installs it: its namespace and the shipped RBAC files.
  installShippedRbac(state, opts.rbac);
  const adminToken = `lab-admin-${randomBytes(18).toString('base64url')}`;
  backend.addToken(adminToken, { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  const workerToken = backend.issueToken(workerServiceAccount.namespace, workerServiceAccount.name, 365 * 86400).token;
  const tls = selfSignedCert({ commonName: `dnswhy-lab-${scenario.name}`.slice(0, 64), ips: ['127.0.0.1'] });
  const starter = opts.dns === false ? undefined : (opts.dns ?? kernel?.dns ?? defaultDnsStarter);
  const [api, dns] = await Promise.allSettled([
    startApiServer(backend, { tls: { cert: tls.certPem, key: tls.keyPem }, ...(opts.port !== undefined ? { port: opts.port } : {}) }),
    starter
      ? starter(scenario, network, () => state.clusterState(), { seed: scenario.seed, podFiles: (ns, name) => state.podFiles(ns, name), policyView: () => state.policyView(), ...(opts.dnsOptions ?? {}) })
      : Promise.resolve(undefined),
  ]);
  if (api.status === 'rejected' || dns.status === 'rejected') {
    if (api.status === 'fulfilled') await api.value.close();
    if (dns.status === 'fulfilled') await dns.value?.stop();
    await kernel?.stop();
    throw api.status === 'rejected' ? api.reason : (dns as PromiseRejectedResult).reason;
  }
  const server: RunningApiServer = api.value;
  backend.attachDns(dns.value);

  const ownDir = opts.kubeconfigDir === undefined;
  const dir = resolve(opts.kubeconfigDir ?? mkdtempSync(join(tmpdir(), 'dnswhy-lab-')));
  mkdirSync(dir, { recursive: true });
  const kubeconfigPath = join(dir, 'kubeconfig');
  const kubeconfig = labKubeconfig({ name: scenario.name, server: server.url, token: adminToken, user: 'kubernetes-admin', ca: tls.certPem });
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  const workerKubeconfigPath = join(dir, 'dnswhy-worker.kubeconfig');
  const workerKubeconfig = labKubeconfig({ name: scenario.name, server: server.url, token: workerToken, user: workerServiceAccount.name, ca: tls.certPem, namespace: workerServiceAccount.namespace });
  writeFileSync(workerKubeconfigPath, workerKubeconfig, { mode: 0o600 });

  let stopped: Promise<void> | undefined;
  return {
    scenario,
    kubeconfigPath,
    kubeconfig,
    workerKubeconfigPath,
    workerKubeconfig,
    apiUrl: server.url,
    ca: tls.certPem,
    adminToken,
    network,
    workerNetwork,
    backendName: kernel ? 'netns' : 'loopback',
    notes: kernel?.notes ?? [],
    dns: dns.value,
    state,
    backend,
    stop() {
      stopped ??= (async () => {
        await server.close();
        backend.close();
        // Let probe runs that are finishing write their logs, but never wait on one that hangs
        // (e.g. a connect to an address whose SYNs are dropped): stopping the DNS world ends it.
        await Promise.race([backend.idle(), new Promise((r) => setTimeout(r, stopGraceMs).unref())]);
        await dns.value?.stop();
        await kernel?.stop();
        if (ownDir) rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** Creates dnswhy's namespace and the shipped ServiceAccount, roles and bindings in the lab's store. */
function installShippedRbac(state: LabState, groups?: readonly ApiRole[]): void {
  if (!state.store.get('namespaces', undefined, workerServiceAccount.namespace)) {
    state.store.create(resourceByKind('Namespace')!, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: workerServiceAccount.namespace, labels: { 'kubernetes.io/metadata.name': workerServiceAccount.namespace } } });
  }
  for (const o of loadShippedRbac(groups)) {
    const t = resourceByKind(o.kind);
    if (!t) throw new Error(`the lab cannot serve ${o.kind} ${o.metadata.name} from dnswhy's deploy files`);
    if (!state.store.get(t.plural, o.metadata.namespace, o.metadata.name)) state.store.create(t, structuredClone(o) as never);
  }
}
