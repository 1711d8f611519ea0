/**
 * The namespaces of one netns lab at run time: which namespace owns which address, pods created on
 * demand (probe pods, rolled-out replicas), the agents that open sockets there, and commands run
 * inside a namespace. Everything lives inside the crash-safe wrapper (wrapper.ts), so a crash
 * leaves nothing behind; `destroy()` is the orderly way out.
 */
import { randomBytes } from 'node:crypto';
import { inCidr } from '../net/topology.js';
import { FabricNames, fabricCommands, podCommands, script, type FabricNode, type FabricPod } from './fabric-plan.js';
import { NamespaceAgent } from './ns-agent.js';
import { runScript } from './shell.js';

export class LabNamespaces {
  readonly names: FabricNames;
  private readonly owner = new Map<string, string>();
  private readonly pods = new Map<string, { ns: string; ip: string }>();
  private readonly agents = new Map<string, Promise<NamespaceAgent>>();
  private podCount = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private destroyed = false;

  private constructor(readonly nodes: readonly FabricNode[], readonly outsideIps: readonly string[], tag: string) {
    this.names = new FabricNames(tag);
    nodes.forEach((n, i) => this.owner.set(n.ip, this.names.node(i)));
    for (const ip of outsideIps) this.owner.set(ip, this.names.outside);
  }

  /** Builds the bridge, the nodes and the outside namespace. */
  static async create(nodes: readonly FabricNode[], outsideIps: readonly string[]): Promise<LabNamespaces> {
    const tag = `dw${randomBytes(2).toString('hex')}`;
    const lab = new LabNamespaces(nodes, outsideIps, tag);
    await runScript(script(fabricCommands(lab.names, nodes, outsideIps)));
    return lab;
  }

  get tag(): string {
    return this.names.tag;
  }

  nodeNs(nodeName: string): string | undefined {
    const i = this.nodes.findIndex((n) => n.name === nodeName);
    return i < 0 ? undefined : this.names.node(i);
  }

  /** The namespace that owns an address (a node, a pod, the outside), if any. */
  nsOf(ip: string): string | undefined {
    return this.owner.get(ip);
  }

  podNs(key: string): string | undefined {
    return this.pods.get(key)?.ns;
  }

  /** Creates the namespace of a pod (once; a pod that got a new IP gets a new namespace). */
  ensurePod(pod: FabricPod): Promise<string> {
    const have = this.pods.get(pod.key);
    if (have && have.ip === pod.ip) return Promise.resolve(have.ns);
    const run = this.chain.then(async () => {
      const again = this.pods.get(pod.key);
      if (again && again.ip === pod.ip) return again.ns;
      const i = this.nodes.findIndex((n) => n.name === pod.node);
      const node = this.nodes[i];
      if (!node) throw new Error(`netns backend: pod ${pod.key} is on an unknown node "${pod.node}"`);
      const index = this.podCount++;
      const nodeNs = this.names.node(i);
      const remote = this.nodes.map((_, j) => ({ ns: this.names.node(j) })).filter((r) => r.ns !== nodeNs);
      const inCidrOfNode = node.podCIDR !== undefined && inCidr(pod.ip, node.podCIDR);
      await runScript(script(podCommands(this.names, index, pod, { ns: nodeNs, ip: node.ip, ...(node.podCIDR ? { podCIDR: node.podCIDR } : {}) }, remote, inCidrOfNode)));
      const ns = this.names.pod(index);
      this.pods.set(pod.key, { ns, ip: pod.ip });
      this.owner.set(pod.ip, ns);
      return ns;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Gives node `nodeName` one more address of its own (on its loopback; NodeLocal DNSCache's
   * link-local address), which the other nodes reach through it.
   */
  async addNodeAddress(nodeName: string, ip: string): Promise<void> {
    const i = this.nodes.findIndex((n) => n.name === nodeName);
    const node = this.nodes[i]!;
    const ns = this.names.node(i);
    const others = this.nodes.map((_, j) => j).filter((j) => j !== i);
    await runScript(script([`ip -n ${ns} addr add ${ip}/32 dev lo`, ...others.map((j) => `ip -n ${this.names.node(j)} route add ${ip}/32 via ${node.ip} dev eth0 onlink`)]));
    this.owner.set(ip, ns);
  }

  /** The agent of a namespace, started on first use. */
  agent(ns: string): Promise<NamespaceAgent> {
    if (this.destroyed) return Promise.reject(new Error('netns lab is stopped'));
    let a = this.agents.get(ns);
    if (!a) {
      a = NamespaceAgent.start(ns, this.tag);
      this.agents.set(ns, a);
      a.catch(() => this.agents.delete(ns));
    }
    return a;
  }

  /** Runs a script inside a namespace (`ip netns exec NS sh -ec SCRIPT`). */
  exec(ns: string, body: string, input?: string): Promise<string> {
    return runScript(`exec ip netns exec ${ns} sh -ec '${body.replace(/'/g, `'\\''`)}'`, input === undefined ? {} : { input });
  }

  /** Every namespace of this lab. */
  all(): string[] {
    return [this.names.fabric, this.names.outside, ...this.nodes.map((_, i) => this.names.node(i)), ...[...this.pods.values()].map((p) => p.ns)];
  }

  /** Stops the agents and deletes every namespace (their veths, the bridge and nft tables go with them). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const a of this.agents.values()) void a.then((x) => x.stop(), () => undefined);
    await this.chain;
    await runScript(this.all().map((ns) => `ip netns pids ${ns} 2>/dev/null | xargs -r kill -9 2>/dev/null || true; ip netns del ${ns} 2>/dev/null || true`).join('\n'));
  }
}
