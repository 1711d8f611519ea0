/**
 * Evidence: what probes learned, each item with where it came from, when, and how long it took.
 * Probes produce it, checks judge it; nothing here does I/O.
 */
import type { DnsRecord, ExchangeOutcome, LookupFailure, Rcode, RecordType, Transport } from './dns.js';
import type { NodeFacts, PodFacts, ServiceFacts } from './k8s.js';

/** Where an observation was made. */
export type EvidenceOrigin =
  | { kind: 'pod'; namespace: string; name: string; ip?: string; node?: string }
  | {
      kind: 'probe-pod';
      namespace: string;
      name: string;
      ip?: string;
      node?: string;
      twinOf: string;
      /**
       * Set when a twin ran in the probe namespace instead of the target's (why: the refusal in the
       * target's namespace). It had the target's node, resolv.conf and hosts, not its namespace.
       */
      displacedBecause?: string;
    }
  | {
      kind: 'node';
      name: string;
      ip?: string;
      /**
       * The probe pod that observed it for the node (a node-view probe: dnsPolicy Default on the pod
       * network). Its namespace's NetworkPolicies apply to it, though not to CoreDNS, so the checks
       * must not take a failure they cause for the upstreams' or the node's.
       */
      probePod?: { namespace: string; labels: Record<string, string> };
    }
  | { kind: 'worker' }
  | { kind: 'api' };

interface EvidenceBase {
  /** Stable within one report ("e7"); findings cite evidence by id. */
  id: string;
  from: EvidenceOrigin;
  /** ISO timestamp of when the observation started. */
  at: string;
  /** How long gathering it took. */
  ms: number;
}

export interface ResolvConfEvidence extends EvidenceBase {
  kind: 'resolv-conf';
  text: string;
}

export interface HostsFileEvidence extends EvidenceBase {
  kind: 'hosts-file';
  text: string;
  entries: { ip: string; names: string[] }[];
}

export interface CorefileEvidence extends EvidenceBase {
  kind: 'corefile';
  configMap: { namespace: string; name: string; resourceVersion?: string };
  /** data.Corefile */
  text: string;
  /** Other keys that imports may read (coredns-custom *.server / *.override, NodeHosts), by file path as mounted. */
  files: Record<string, string>;
  /** The provider's coredns-custom ConfigMap (AKS, k3s), when it exists: fixes go there, not into the managed Corefile. */
  custom?: { namespace: string; name: string; resourceVersion?: string };
}

/** Who was asked: the role matters to the checks. */
export type ResolverRole = 'dns-service' | 'coredns-endpoint' | 'upstream' | 'pod-nameserver' | 'other';

/**
 * Why a query that is not the diagnosed name was sent:
 * - `as-written`: the name exactly as the application wrote it, absolute, when the pod's lookup
 *   ended on a search-list candidate instead (did a search suffix win?);
 * - `wildcard-probe`: a random name under a search domain (does that domain answer every name?);
 * - `self-answered`: a name the endpoint answers itself (its own Service), so reachability is
 *   tested apart from what it forwards;
 * - `cname-target`: the target of a CNAME the DNS Service answered without an address, asked by
 *   itself (does the target exist at all?).
 */
export type QueryPurpose = 'as-written' | 'wildcard-probe' | 'self-answered' | 'cname-target';

export interface DnsQueryEvidence extends EvidenceBase {
  kind: 'dns-query';
  resolver: {
    ip: string;
    port: number;
    role: ResolverRole;
    /** CoreDNS pod name for endpoints, resolver label for upstreams. */
    label?: string;
    /** For an upstream: the CoreDNS node(s) whose resolv.conf / forward lists it. */
    seenFromNodes?: string[];
  };
  /** The source address the query was sent from (cluster address, before any lab mapping). */
  source?: string;
  qname: string;
  qtype: RecordType;
  transport: Transport;
  /** Set when the query is not about the diagnosed name itself (see QueryPurpose). */
  purpose?: QueryPurpose;
  outcome: ExchangeOutcome;
  rcode?: Rcode;
  aa?: boolean;
  tc?: boolean;
  answers: DnsRecord[];
  authority: DnsRecord[];
  /** Minimum TTL of the answer (or the SOA TTL for negative answers). */
  ttl?: number;
  latencyMs: number;
  tries: number;
  error?: string;
}

/** One query a stub resolver sent while resolving a name, in order. */
export interface StubQuery {
  qname: string;
  qtype: RecordType;
  server: string;
  atMs: number;
  outcome: ExchangeOutcome;
  rcode?: Rcode;
  answers: string[];
  latencyMs: number;
  /** The UDP reply had TC set (it did not fit the stub's buffer: 512 bytes without `options edns0`). */
  truncated?: boolean;
  /** `tcp` when the stub re-asked over TCP after a truncated UDP reply (this entry is that TCP exchange). */
  transport?: Transport;
}

/** A whole lookup through the pod's resolv.conf, as glibc or musl performs it. */
export interface LookupEvidence extends EvidenceBase {
  kind: 'lookup';
  libc: 'glibc' | 'musl';
  name: string;
  queries: StubQuery[];
  result: { ok: boolean; addresses: string[]; error?: LookupFailure; answeredBy?: string; finalName?: string };
  totalMs: number;
  /** Wall time the probe really spent, when it shrank libc's timeouts (totalMs stays libc-equivalent). */
  probeMs?: number;
  /** Factor applied to libc's per-try timeouts by the probe (1 = none). */
  timeoutScale?: number;
}

/** Output of a DNS tool the pod's image has (getent, nslookup, dig), with what we parsed from it. */
export interface ToolOutputEvidence extends EvidenceBase {
  kind: 'tool-output';
  tool: 'getent' | 'nslookup' | 'dig';
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  parsed: { addresses: string[]; rcode?: Rcode; server?: string; timedOut?: boolean };
  /**
   * The tool had not finished when the deep probes had their answer, and dnswhy stopped waiting
   * after this many ms (exitCode is then -1, the output empty, parsed.timedOut true). A resolver
   * that waits that long has lost a query: glibc and musl wait 5 s per try before asking again.
   */
  stillWaitingAfterMs?: number;
}

export interface TcpConnectEvidence extends EvidenceBase {
  kind: 'tcp-connect';
  ip: string;
  port: number;
  ok: boolean;
  error?: 'timeout' | 'refused' | 'reset' | (string & {});
  /** Which name resolved to this IP, and from which resolver, if known. */
  forName?: string;
}

export interface CorednsPod {
  name: string;
  namespace: string;
  ip: string;
  node: string;
  zone?: string;
  ready: boolean;
  phase: string;
  restarts: number;
  waitingReason?: string;
  waitingMessage?: string;
  /** How the previous instance ended (OOMKilled 137, Error 1), when it restarted. */
  lastTermination?: { reason?: string; exitCode?: number; message?: string; finishedAt?: string };
}

/** The tail of a pod's container log (`kubectl logs [--previous] --tail N`). */
export interface PodLogsEvidence extends EvidenceBase {
  kind: 'pod-logs';
  namespace: string;
  pod: string;
  container: string;
  /** The previous instance's log (the one that exited). */
  previous: boolean;
  /** The last lines, as read (bounded by lines and bytes). */
  text: string;
}

export interface EndpointsEvidence extends EvidenceBase {
  kind: 'endpoints';
  service: ServiceFacts;
  /** Endpoint addresses of the DNS Service (ready and not ready). */
  endpoints: { ip: string; ready: boolean; pod?: string; node?: string; zone?: string }[];
  corednsPods: CorednsPod[];
  /**
   * Read only when no endpoint is ready: the pods of the Service's namespace that run a CoreDNS
   * image, with their labels, so a selector that matches none of them can be shown. Absent when
   * not read (endpoints ready, or the list refused: a probe-error says so).
   */
  corednsImagePods?: CorednsImagePod[];
}

/** A pod that runs a CoreDNS image, whether or not the DNS Service's selector matches it. */
export interface CorednsImagePod {
  name: string;
  node: string;
  ready: boolean;
  image: string;
  labels: Record<string, string>;
  /** Its controller (a ReplicaSet for a Deployment's pods), when it has one. */
  owner?: { kind: string; name: string };
}

export interface BurstEvidence extends EvidenceBase {
  kind: 'burst';
  target: { ip: string; port: number; role: ResolverRole; label?: string };
  qname: string;
  qtype: RecordType;
  count: number;
  concurrency: number;
  ok: number;
  timeouts: number;
  errors: number;
  /** Answers that needed a retry and the retry's delay (the 5 s signature of lost UDP). */
  retried: number;
  /**
   * Of the retried and timed-out queries, those that got a second answer afterwards: their first try
   * was answered too, only later than the per-try wait, so they were slow, not lost. Absent in
   * evidence recorded before it was counted (read as 0).
   */
  late?: number;
  /** Latency histogram buckets: upper bound in ms → count (last bucket may be Infinity → timeouts). */
  histogram: { leMs: number; count: number }[];
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  qps: number;
}

export interface NodeResolvConfEvidence extends EvidenceBase {
  kind: 'node-resolv-conf';
  node: string;
  zone?: string;
  text: string;
  nameservers: string[];
}

export interface ConntrackEvidence extends EvidenceBase {
  kind: 'conntrack';
  node: string;
  insertFailed: number;
  /** Packets conntrack dropped (a full table drops new flows), when read. */
  drop?: number;
  /** Where the kernel exposed the counters: procfs or netlink (`conntrack -S`). */
  source?: string;
  count?: number;
  max?: number;
}

export interface CorednsMetrics {
  requests: number;
  responsesByRcode: Record<string, number>;
  cacheHits: number;
  cacheMisses: number;
  forwardRequests: Record<string, number>;
  forwardResponsesByRcode: Record<string, Record<string, number>>;
  healthcheckFailures: Record<string, number>;
  /** coredns_reload_version_info{hash=...} */
  reloadHash?: string;
  panics?: number;
}

export interface MetricsEvidence extends EvidenceBase {
  kind: 'metrics';
  pod: string;
  node?: string;
  metrics: CorednsMetrics;
}

export interface NetworkPoliciesEvidence extends EvidenceBase {
  kind: 'network-policies';
  namespace: string;
  /** networking.k8s.io/v1 NetworkPolicy objects as plain JSON. */
  policies: unknown[];
  /** Labels of the target pod and of the CoreDNS pods / namespaces, for selector matching. */
  podLabels: Record<string, string>;
  namespaceLabels: Record<string, Record<string, string>>;
  /** Labels of each CoreDNS pod by pod name (for podSelector peers); optional. */
  corednsPodLabels?: Record<string, Record<string, string>>;
}

export interface PodSpecEvidence extends EvidenceBase {
  kind: 'pod';
  pod: PodFacts;
}

export interface NodesEvidence extends EvidenceBase {
  kind: 'nodes';
  nodes: NodeFacts[];
}

export interface ServicesEvidence extends EvidenceBase {
  kind: 'services';
  services: ServiceFacts[];
  namespaces: string[];
}

export interface NodeLocalDnsEvidence extends EvidenceBase {
  kind: 'nodelocaldns';
  present: boolean;
  localIp?: string;
  /** Its ConfigMap's Corefile as stored (run-time placeholders not filled in), when it could be read. */
  corefile?: { namespace: string; name: string; resourceVersion?: string; text: string };
}

export interface ProbeErrorEvidence extends EvidenceBase {
  kind: 'probe-error';
  /** Probe name ("exec resolv.conf", "probe pod", "metrics coredns-5svcg"). */
  probe: string;
  /** What could not be learned, in plain words. */
  what: string;
  reason: string;
  /** When the API refused: the missing permission. */
  rbac?: { verb: string; resource: string; namespace?: string; subresource?: string };
}

export type Evidence =
  | ResolvConfEvidence
  | HostsFileEvidence
  | CorefileEvidence
  | DnsQueryEvidence
  | LookupEvidence
  | ToolOutputEvidence
  | TcpConnectEvidence
  | EndpointsEvidence
  | BurstEvidence
  | NodeResolvConfEvidence
  | ConntrackEvidence
  | MetricsEvidence
  | NetworkPoliciesEvidence
  | PodSpecEvidence
  | NodesEvidence
  | ServicesEvidence
  | NodeLocalDnsEvidence
  | PodLogsEvidence
  | ProbeErrorEvidence;

export type EvidenceKind = Evidence['kind'];

/** Narrow an evidence list by kind. */
export function evidenceOfKind<K extends EvidenceKind>(all: readonly Evidence[], kind: K): Extract<Evidence, { kind: K }>[] {
  return all.filter((e): e is Extract<Evidence, { kind: K }> => e.kind === kind);
}
