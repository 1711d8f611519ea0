/**
 * kube-proxy, the CNI's NetworkPolicies and the network rules on the kernel: computes every node's
 * and the outside's nft table from the cluster state (Services, ready endpoints, the serving CoreDNS
 * pods, the policies with the pods and namespaces they select) and the scenario's rules, and loads it. Endpoint pods get a listener on their target ports (accept and close), as the
 * loopback lab's shared listener answers them.
 */
import type { ClusterState } from '../../core/model/k8s.js';
import type { PolicyView } from '../net/network-policies.js';
import type { Scenario } from '../scenario/load-scenario.js';
import type { LabNamespaces } from './lab-namespaces.js';
import { ruleset, type ServicePort } from './nft-plan.js';
import { policyChains } from './policy-plan.js';
import { clusterAddresses, resolveRules } from './rule-addresses.js';
import type net from 'node:net';

export class KubeProxy {
  private dnsReady: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly listening = new Map<string, net.Server>();
  /** The table text last loaded in each namespace. */
  private readonly loaded = new Map<string, string>();
  private readonly rules;

  constructor(
    private readonly scenario: Scenario,
    private readonly nsl: LabNamespaces,
    private readonly cluster: () => ClusterState,
    private readonly podNode: (ip: string) => string | undefined,
    private readonly policyView: () => PolicyView = () => ({ policies: [], pods: [], namespaceLabels: {} }),
  ) {
    this.rules = resolveRules(scenario);
  }

  /** The serving CoreDNS pods changed. */
  setDnsBackends(ips: string[]): Promise<void> {
    const gone = this.dnsReady.filter((ip) => !ips.includes(ip));
    this.dnsReady = [...ips].sort();
    const updated = this.update();
    if (gone.length === 0) return updated;
    // As kube-proxy does for UDP: flows still pinned to an endpoint that left are deleted, so the
    // next datagram of such a flow is translated again instead of going to the old pod.
    const vip = this.scenario.cluster.dnsService.ip;
    const flush = gone.map((ip) => `conntrack -D -p udp --orig-dst ${vip} --dst-nat ${ip} >/dev/null 2>&1 || true`).join('\n');
    return updated.then(() => Promise.all(this.scenario.nodes.map((n) => this.nsl.exec(this.nsl.nodeNs(n.name)!, flush))).then(() => undefined));
  }

  /** Reloads every table (serialised; each load is atomic). */
  update(): Promise<void> {
    this.chain = this.chain.then(() => this.apply());
    return this.chain;
  }

  private servicePorts(state: ClusterState): ServicePort[] {
    const dns = this.scenario.cluster.dnsService;
    const out: ServicePort[] = ['udp', 'tcp'].map((proto) => ({ ip: dns.ip, port: 53, proto: proto as 'udp' | 'tcp', backends: this.dnsReady.map((ip) => ({ ip, port: 53 })) }));
    const endpoints = new Map(state.endpoints.map((e) => [`${e.namespace}/${e.service}`, e]));
    for (const svc of state.services) {
      if (!svc.clusterIP || svc.clusterIP === 'None' || svc.clusterIP === dns.ip) continue;
      const eps = endpoints.get(`${svc.namespace}/${svc.name}`);
      const ready = eps?.addresses.filter((a) => a.ready).map((a) => a.ip) ?? [];
      for (const p of svc.ports) {
        const proto = (p.protocol ?? 'TCP').toLowerCase();
        if (proto !== 'tcp' && proto !== 'udp') continue;
        const target = typeof p.targetPort === 'number' ? p.targetPort : (eps?.ports.find((x) => x.name === p.targetPort || x.name === p.name)?.port ?? p.port);
        out.push({ ip: svc.clusterIP, port: p.port, proto, backends: ready.map((ip) => ({ ip, port: target })) });
      }
    }
    return out;
  }

  private async apply(): Promise<void> {
    const state = this.cluster();
    const services = this.servicePorts(state);
    const cluster = clusterAddresses(this.scenario, services.map((s) => s.ip));
    const policies = this.policyView();
    const tables = this.scenario.nodes.map((n) => ({ ns: this.nsl.nodeNs(n.name)!, text: ruleset({ kind: 'node', ip: n.ip }, cluster, services, this.rules, policyChains(policies, n.ip)) }));
    tables.push({ ns: this.nsl.names.outside, text: ruleset({ kind: 'outside' }, cluster, [], this.rules) });
    // Only what changed is loaded again: update() runs before every probe and exec.
    await Promise.all(
      tables
        .filter((t) => this.loaded.get(t.ns) !== t.text)
        .map(async (t) => {
          await this.nsl.exec(t.ns, 'nft -f -', t.text);
          this.loaded.set(t.ns, t.text);
        }),
    );
    await this.listenOnEndpoints(services);
  }

  /** TCP endpoints answer (accept, close) on their target ports; CoreDNS pods serve :53 themselves. */
  private async listenOnEndpoints(services: ServicePort[]): Promise<void> {
    for (const s of services) {
      if (s.proto !== 'tcp' || s.ip === this.scenario.cluster.dnsService.ip) continue;
      for (const b of s.backends) {
        const key = `${b.ip}:${b.port}`;
        const node = this.podNode(b.ip);
        if (this.listening.has(key) || !node) continue;
        const ns = await this.nsl.ensurePod({ key: b.ip, ip: b.ip, node });
        const srv = await (await this.nsl.agent(ns)).listen(b.ip, b.port).catch(() => undefined);
        if (!srv) continue;
        srv.on('connection', (sock: net.Socket) => {
          sock.on('error', () => {});
          sock.resume();
          sock.end();
        });
        this.listening.set(key, srv);
      }
    }
  }

  stop(): void {
    for (const s of this.listening.values()) s.close();
    this.listening.clear();
  }
}
