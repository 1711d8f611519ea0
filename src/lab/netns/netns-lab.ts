/**
 * The netns backend's parts for startLab (src/lab/lab.ts): the identity address map whose senders
 * open sockets in their own namespaces, the DNS starter that builds the namespaces and runs the
 * same DNS world (CoreDNS replicas, resolvers, TCP hosts) on sockets inside them with kube-proxy and
 * the rules in nft, and the probe runner that runs `dnswhy probe` inside the probe pod's namespace.
 */
import dgram from 'node:dgram';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecResult } from '../../core/cluster-access.js';
import type { NetworkPosition } from '../../core/network-position.js';
import { closedPort } from '../net/address-map.js';
import type { DnsStarter } from '../dns-starter.js';
import type { PolicyView } from '../net/network-policies.js';
import type { ProbeRunner } from '../pods/probe-runner.js';
import { topologyOf, type KernelWorld } from '../dns/dns-world.js';
import type { Scenario } from '../scenario/load-scenario.js';
import type { TopologyPod } from '../net/topology.js';
import { KernelAddressMap } from './kernel-map.js';
import { KubeProxy } from './kube-proxy.js';
import { LabNamespaces } from './lab-namespaces.js';
import { buildMuslGetent, execWithFiles, runRealTool, writePodFiles } from './pod-exec.js';
import { assertInsideWrapper, wrapperRunDir } from './wrapper.js';
import { probeProgram } from './probe-program.js';
import { fillConntrack, fillNote } from './conntrack-fill.js';
import { delayNote, kernelHasNetem } from './delay-note.js';

/** The outside world's addresses: resolvers and hosts that are not cluster addresses. */
function outsideIps(s: Scenario): string[] {
  const topo = topologyOf(s);
  return [...new Set([...s.resolvers.map((r) => r.ip), ...s.hosts.map((h) => h.ip)])].filter((ip) => !topo.isClusterAddress(ip));
}


export interface NetnsLabParts {
  map: KernelAddressMap;
  dns: DnsStarter;
  probeRunner: ProbeRunner;
  workerNetwork: NetworkPosition;
  /** Closes what the parts opened outside the DNS world (the worker's sink). */
  stop(): Promise<void>;
  /** What the backend did differently from the scenario's letter, for the start-up output (filled once the DNS side started). */
  notes: string[];
}

/**
 * The worker's position: it runs in the lab process, outside every namespace, so its packets must
 * go nowhere (never the host's routes): UDP to a loopback socket that discards them (a timeout, as
 * from a machine with no route into the cluster), TCP to a closed loopback port.
 */
function outsideWorker(): { position: NetworkPosition; stop(): Promise<void> } {
  const sink = dgram.createSocket('udp4');
  sink.on('message', () => {});
  sink.bind({ address: '127.0.0.1', port: 0 });
  return {
    position: {
      dial: (_ip, _port, proto) => ({ host: '127.0.0.1', port: proto === 'udp' ? sink.address().port : closedPort }),
      bindAddress: () => '127.0.0.1',
      reverse: (host, port) => ({ ip: host, port }),
    },
    stop: () => new Promise<void>((r) => sink.close(() => r())),
  };
}

export function netnsLabParts(): NetnsLabParts {
  assertInsideWrapper();
  let nsl: LabNamespaces | undefined;
  const notes: string[] = [];
  let proxyRef: KubeProxy | undefined;
  let topo: ReturnType<typeof topologyOf> | undefined;
  const runDir = join(wrapperRunDir(), `lab-${process.hrtime.bigint()}`);
  mkdirSync(runDir, { recursive: true });
  const nsFor = async (ip: string): Promise<string> => {
    if (!nsl || !topo) throw new Error('netns lab is not running');
    const known = nsl.nsOf(ip);
    if (known) return known;
    const node = topo.nodeOfPodIp(ip);
    // Never fall back to the lab process's own namespace: that one can reach the host's network.
    if (!node) throw new Error(`netns backend: no namespace owns ${ip} (not a node, pod, resolver or host of the scenario)`);
    return nsl.ensurePod({ key: ip, ip, node: node.name });
  };
  const map = new KernelAddressMap({
    udpFrom: async (from) => (await nsl!.agent(await nsFor(from))).udp(from, 0),
    connectFrom: async (from, host, port, timeoutMs) => (await nsl!.agent(await nsFor(from))).connect(from, host, port, timeoutMs),
  });

  const dns: DnsStarter = async (scenario, _map, cluster, opts) => {
    const { startDnsWorld } = await import('../dns/dns-world.js');
    topo = topologyOf(scenario);
    nsl = await LabNamespaces.create(scenario.nodes, outsideIps(scenario));
    const lab = nsl;
    try {
      // NodeLocal DNSCache: the lab runs one cache for every node, in the first node (dns-world.ts).
      if (scenario.nodeLocalDns && scenario.nodes[0]) await lab.addNodeAddress(scenario.nodes[0].name, scenario.nodeLocalDns.ip);
      for (const p of scenario.pods) if (!p.hostNetwork) await lab.ensurePod({ key: p.ip, ip: p.ip, node: p.node });
      const replicaNs = [];
      for (const p of scenario.coredns.pods) replicaNs.push(await lab.ensurePod({ key: p.ip, ip: p.ip, node: p.node }));
      // Agents start in parallel (each is a node process): the namespaces that serve or send at once.
      await Promise.all([lab.names.outside, ...scenario.nodes.map((n) => lab.nodeNs(n.name)!), ...replicaNs].map((ns) => lab.agent(ns)));
      const muslGetent = await buildMuslGetent(runDir);
      const proxy = (proxyRef = new KubeProxy(scenario, lab, cluster, (ip) => topo!.nodeOfPodIp(ip)?.name, (opts as { policyView?: () => PolicyView }).policyView));
      const kernel: KernelWorld = {
        sockets: {
          udp: async (ip, port) => (await lab.agent(await nsFor(ip))).udp(ip, port),
          listen: async (ip, port) => (await lab.agent(await nsFor(ip))).listen(ip, port),
        },
        dnsBackends: (ips) => proxy.setDnsBackends(ips),
        clusterChanged: () => proxy.update(),
        runTool: async (pod: TopologyPod, argv: string[], libc): Promise<ExecResult> => {
          const files = opts.podFiles(pod.namespace, pod.name);
          if (!files) return { stdout: '', stderr: `pod ${pod.namespace}/${pod.name} has no files\n`, exitCode: 1 };
          const ns = await nsFor(pod.ip);
          // The pod's IP may be new to the policy chains (they allow and deny by pod IP).
          await proxy.update();
          return runRealTool(ns, writePodFiles(runDir, pod.ip, files), argv, libc, muslGetent);
        },
      };
      await proxy.update();
      for (const n of scenario.nodes) if (n.conntrackFull) notes.push(fillNote(await fillConntrack(lab, n.name, n.conntrackFull.evictable, scenario.seed, runDir)));
      const delay = delayNote(scenario, kernelHasNetem());
      if (delay) notes.push(delay);
      const world = await startDnsWorld(scenario, map, cluster, { ...(opts as Parameters<typeof startDnsWorld>[3]), kernel });
      const stop = world.stop.bind(world);
      world.stop = async () => {
        await stop();
        proxy.stop();
        await lab.destroy();
        rmSync(runDir, { recursive: true, force: true });
      };
      return world;
    } catch (err) {
      await lab.destroy();
      throw err;
    }
  };

  const probeRunner: ProbeRunner = async (argv, rt) => {
    const ns = await nsFor(rt.podIp);
    // A probe pod is new: the policy chains select and allow pods by IP, so they must know it first.
    await proxyRef?.update();
    const paths = writePodFiles(runDir, rt.podIp, { resolvConf: rt.resolvConf, hosts: rt.hosts });
    return execWithFiles(ns, paths, [process.execPath, ...(await probeProgram()), ...argv.slice(1)]);
  };
  const worker = outsideWorker();
  return { map, dns, probeRunner, workerNetwork: worker.position, stop: worker.stop, notes };
}
