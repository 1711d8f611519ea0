/**
 * Facts: the evidence of one diagnosis, indexed the way checks ask about it ("what did the DNS
 * Service answer?", "what does the resolver on node X answer?", "does this address accept TCP from
 * the pod's node?"). Built once per CheckInput and shared by all checks; pure.
 */
import type {
  CorednsPod,
  CorefileEvidence,
  DnsQueryEvidence,
  Evidence,
  EndpointsEvidence,
  HostsFileEvidence,
  LookupEvidence,
  NodeFacts,
  NodeResolvConfEvidence,
  PodFacts,
  ProbeErrorEvidence,
  ResolvConfEvidence,
  ServicesEvidence,
  TcpConnectEvidence,
} from '../../core/model/index.js';
import { evidenceOfKind } from '../../core/model/index.js';
import { parseResolvConf, type ResolvConf } from '../../core/resolver/index.js';
import type { CheckInput } from '../define-check.js';
import { addressesOf, normName } from './names.js';

/** What one query to one resolver returned, reduced to what checks compare. */
export interface QueryView {
  evidence: DnsQueryEvidence;
  resolver: string;
  label?: string;
  /** Node the query was sent from (the CoreDNS replica's node for role upstream). */
  node?: string;
  zone?: string;
  outcome: DnsQueryEvidence['outcome'];
  rcode?: string;
  addresses: string[];
  /** SOA of a negative answer: owner, its TTL and the SOA minimum field. */
  soa?: { owner: string; ttl: number; minimum?: number };
}

/** Whether an address accepts TCP from a position. */
export interface Reachability {
  verdict: 'reachable' | 'unreachable' | 'unknown';
  refs: string[];
  /** "80 (timeout), 443 (timeout)" */
  detail: string;
}

/** Node the observation was made on, when known. */
export function originNode(e: Evidence): string | undefined {
  const f = e.from;
  if (f.kind === 'pod' || f.kind === 'probe-pod') return f.node;
  if (f.kind === 'node') return f.name;
  return undefined;
}

function soaOf(e: DnsQueryEvidence): QueryView['soa'] {
  const soa = e.authority.find((r) => r.type === 'SOA');
  if (!soa) return undefined;
  const fields = soa.data.trim().split(/\s+/);
  const minimum = Number(fields[6]);
  return { owner: normName(soa.name), ttl: soa.ttl, ...(Number.isFinite(minimum) ? { minimum } : {}) };
}

/** Indexed evidence of one diagnosis. */
export class Facts {
  readonly pod: PodFacts;
  /** The name asked about, normalised (lower case, no trailing dot). */
  readonly name: string;
  readonly port: number | undefined;
  readonly evidence: Evidence[];
  readonly nodes: NodeFacts[];
  readonly endpoints: EndpointsEvidence | undefined;
  readonly corefile: CorefileEvidence | undefined;
  readonly lookup: LookupEvidence | undefined;
  readonly resolvConfEvidence: ResolvConfEvidence | undefined;
  readonly resolvConf: ResolvConf | undefined;
  readonly hostsFile: HostsFileEvidence | undefined;
  readonly services: ServicesEvidence | undefined;
  readonly probeErrors: ProbeErrorEvidence[];
  readonly nodeResolvConfs: NodeResolvConfEvidence[];
  readonly tcp: TcpConnectEvidence[];
  /** Queries for the diagnosed name (or the search candidate the lookup ended on). */
  readonly queries: DnsQueryEvidence[];
  /** Queries sent for another reason (the name as written, wildcard tests, an endpoint's own name). */
  readonly purposeQueries: DnsQueryEvidence[];

  constructor(readonly input: CheckInput) {
    const ev = input.evidence;
    const podEv = evidenceOfKind(ev, 'pod')[0];
    this.pod = podEv?.pod ?? input.target.pod;
    this.name = normName(input.target.name);
    this.port = input.target.port;
    this.evidence = ev;
    this.nodes = evidenceOfKind(ev, 'nodes').flatMap((n) => n.nodes);
    this.endpoints = evidenceOfKind(ev, 'endpoints')[0];
    this.corefile = evidenceOfKind(ev, 'corefile')[0];
    this.lookup = evidenceOfKind(ev, 'lookup').find((l) => normName(l.name) === this.name) ?? evidenceOfKind(ev, 'lookup')[0];
    this.resolvConfEvidence = evidenceOfKind(ev, 'resolv-conf')[0];
    this.resolvConf = this.resolvConfEvidence ? parseResolvConf(this.resolvConfEvidence.text) : undefined;
    this.hostsFile = evidenceOfKind(ev, 'hosts-file')[0];
    this.services = evidenceOfKind(ev, 'services')[0];
    this.probeErrors = evidenceOfKind(ev, 'probe-error');
    this.nodeResolvConfs = evidenceOfKind(ev, 'node-resolv-conf');
    this.tcp = evidenceOfKind(ev, 'tcp-connect');
    this.queries = evidenceOfKind(ev, 'dns-query').filter((q) => q.purpose === undefined);
    this.purposeQueries = evidenceOfKind(ev, 'dns-query').filter((q) => q.purpose !== undefined);
  }

  /** The node a pod or CoreDNS replica runs on, with its zone. */
  node(name: string | undefined): NodeFacts | undefined {
    return name === undefined ? undefined : this.nodes.find((n) => n.name === name);
  }

  zoneOf(node: string | undefined): string | undefined {
    if (node === undefined) return undefined;
    return (
      this.node(node)?.zone ??
      this.corednsPods.find((p) => p.node === node)?.zone ??
      this.endpoints?.endpoints.find((e) => e.node === node)?.zone ??
      this.nodeResolvConfs.find((n) => n.node === node)?.zone ??
      (node === this.pod.node ? this.pod.zone : undefined)
    );
  }

  get podZone(): string | undefined {
    return this.pod.zone ?? this.zoneOf(this.pod.node);
  }

  get corednsPods(): CorednsPod[] {
    return this.endpoints?.corednsPods ?? [];
  }

  /** The cluster DNS Service's IP, from the endpoints evidence or the pod's resolv.conf. */
  get dnsServiceIp(): string | undefined {
    return this.endpoints?.service.clusterIP ?? undefined;
  }

  /** The name as CoreDNS saw it when the lookup succeeded (the search candidate that answered), else the name. */
  get queryName(): string {
    return this.lookup?.result.ok && this.lookup.result.finalName ? normName(this.lookup.result.finalName) : this.name;
  }

  /** Names the pod's lookup could have meant: the name itself and the candidate that answered. */
  get targetQnames(): Set<string> {
    const s = new Set([this.name]);
    if (this.lookup?.result.finalName) s.add(normName(this.lookup.result.finalName));
    return s;
  }

  private view(e: DnsQueryEvidence): QueryView {
    const node = e.resolver.seenFromNodes?.[0] ?? originNode(e);
    const soa = soaOf(e);
    return {
      evidence: e,
      resolver: e.resolver.ip,
      ...(e.resolver.label ? { label: e.resolver.label } : {}),
      ...(node ? { node } : {}),
      ...(this.zoneOf(node) ? { zone: this.zoneOf(node) } : {}),
      outcome: e.outcome,
      ...(e.rcode ? { rcode: e.rcode } : {}),
      addresses: addressesOf(e.answers),
      ...(soa ? { soa } : {}),
    };
  }

  /** Queries for the diagnosed name to resolvers of one role, A queries first. */
  queriesFor(role: DnsQueryEvidence['resolver']['role']): QueryView[] {
    const names = this.targetQnames;
    const final = this.lookup?.result.finalName ? normName(this.lookup.result.finalName) : undefined;
    const matching = this.queries.filter((q) => q.resolver.role === role && names.has(normName(q.qname)));
    // When the lookup found the name under a search suffix, prefer queries for that full name.
    const preferred = final && matching.some((q) => normName(q.qname) === final) ? matching.filter((q) => normName(q.qname) === final) : matching;
    return preferred.filter((q) => q.qtype === 'A' || q.qtype === 'AAAA').sort((a, b) => (a.qtype === b.qtype ? 0 : a.qtype === 'A' ? -1 : 1)).map((q) => this.view(q));
  }

  /** Upstream answers as seen from each node (node-view probes), A queries. */
  upstreamViews(): QueryView[] {
    return this.queriesFor('upstream').filter((q) => q.evidence.qtype === 'A');
  }

  /** Upstream answers seen from a given node. */
  upstreamsSeenFrom(node: string): QueryView[] {
    return this.upstreamViews().filter((u) => u.evidence.resolver.seenFromNodes?.includes(node) ?? u.node === node);
  }

  /** Nodes CoreDNS replicas run on. */
  get corednsNodes(): string[] {
    return [...new Set(this.corednsPods.map((p) => p.node))];
  }

  /** The node's resolv.conf nameservers as observed by a node-view probe. */
  nodeNameservers(node: string): string[] | undefined {
    return this.nodeResolvConfs.find((n) => n.node === node)?.nameservers;
  }

  /**
   * Whether `ip` accepts TCP from a node (the pod's node by default): tcp-connect evidence made from a
   * pod on that node (the twin or a node-view probe). With a target port only that port counts.
   */
  reach(ip: string, fromNode: string = this.pod.node): Reachability {
    const tries = this.tcp.filter((t) => {
      if (t.ip !== ip) return false;
      if (this.port !== undefined && t.port !== this.port) return false;
      const n = originNode(t);
      if (n !== undefined) return n === fromNode;
      return fromNode === this.pod.node && (t.from.kind === 'probe-pod' || t.from.kind === 'pod');
    });
    if (tries.length === 0) return { verdict: 'unknown', refs: [], detail: 'not tested' };
    const detail = [...new Set(tries.map((t) => `${t.port} (${t.ok ? 'open' : (t.error ?? 'failed')})`))].join(', ');
    return { verdict: tries.some((t) => t.ok) ? 'reachable' : 'unreachable', refs: tries.map((t) => t.id), detail };
  }

  /** The cluster domain: the kubernetes plugin's first forward zone, else the pod's search list, else cluster.local. */
  get clusterDomain(): string {
    const fromSearch = this.resolvConf?.search.find((s) => s.startsWith('svc.'));
    if (fromSearch) return normName(fromSearch.slice(4));
    const fromCorefile = this.corefile?.text.match(/^\s*kubernetes\s+([^\s{]+)/m)?.[1];
    if (fromCorefile && !fromCorefile.endsWith('arpa')) return normName(fromCorefile);
    return 'cluster.local';
  }

  /** Probe errors whose probe or description mentions one of the words. */
  probeErrorsAbout(...words: string[]): ProbeErrorEvidence[] {
    return this.probeErrors.filter((p) => words.some((w) => `${p.probe} ${p.what}`.toLowerCase().includes(w.toLowerCase())));
  }

  /** "coredns-5svcg on dev-worker (cloud-a-1)". */
  describeNode(node: string | undefined): string {
    if (!node) return 'an unknown node';
    const z = this.zoneOf(node);
    return z ? `${node} (${z})` : node;
  }

  /** "mos/mos-model-… on gpu-zone1 (cloud-b-1)". */
  get podText(): string {
    return `${this.pod.namespace}/${this.pod.name} on ${this.describeNode(this.pod.node)}`;
  }
}

const cache = new WeakMap<CheckInput, Facts>();

/** Facts for an input, built once and shared by every check of a run. */
export function factsOf(input: CheckInput): Facts {
  let f = cache.get(input);
  if (!f) {
    f = new Facts(input);
    cache.set(input, f);
  }
  return f;
}
