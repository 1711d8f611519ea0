/** Public and internal types of the Corefile evaluator (explain) and the runnable server. */
import type { ClusterState } from '../../model/k8s.js';
import type { DnsRecord, Rcode, RecordType } from '../../model/dns.js';
import type { FileSource, ServerTransport } from '../model.js';
import type { ForwardPolicy } from '../plugin-values.js';

/** A query as explain() sees it. */
export interface EvalQuery {
  name: string;
  type: RecordType;
  /** Client (source) IP as CoreDNS sees it. */
  client: string;
  /** Listener port, default 53. */
  port?: number;
  proto?: 'udp' | 'tcp';
  /** Listener transport, default dns. */
  transport?: ServerTransport;
  /** Query class, default IN. */
  class?: string;
  /** Client source port (view `port()`), default 40000. */
  clientPort?: number;
  /** DNSSEC OK bit (view `do()`), default false. */
  do?: boolean;
  /** Checking Disabled bit of the header, default false (the cache keeps such answers apart). */
  cd?: boolean;
  /** EDNS buffer size (view `bufsize()`), default 512. */
  bufsize?: number;
  /** Message id (view `id()`), default 0. */
  id?: number;
  /** Server address the query arrived on (view `server_ip()`), default 127.0.0.1. */
  serverIp?: string;
}

/** The world the Corefile runs in: the inputs plugins read, passed in rather than fetched. */
export interface EvalWorld {
  /** What the kubernetes plugin answers from. Absent: the plugin answers as if the cluster were empty. */
  cluster?: ClusterState;
  /** Nameservers of the CoreDNS pod's node resolv.conf, for `forward . /etc/resolv.conf`. */
  nodeResolvers?: string[];
  /** Search list of the CoreDNS pod's resolv.conf (the node's), appended by autopath @kubernetes. */
  nodeSearch?: string[];
  /** Files readable by CoreDNS (hosts files, resolv.conf files other than /etc/resolv.conf). */
  files?: FileSource;
  env?: Record<string, string>;
  /** Metadata labels for the view `metadata()` function. */
  metadata?: Record<string, string>;
  /** CoreDNS version the cluster runs (default the newest modelled); version-dependent behaviour follows it. */
  corednsVersion?: string;
  /** SOA serial the kubernetes plugin reports (CoreDNS: time of the last API change). Default 1. */
  kubernetesSerial?: number;
}

/** Why a view block did or did not take a query. */
export interface ViewConsidered {
  block: number;
  view: string;
  matched: boolean;
  reason: string;
}

/** What the cache plugin of the answering block would do with the answer. */
export interface CacheVerdict {
  /** True when the answering block has a `cache` plugin. */
  plugin: boolean;
  /** Seconds the answer would be kept, when it would be cached and that can be computed. */
  ttlSeconds?: number;
  note: string;
}

/** The full answer of explain(). */
export interface Explanation {
  query: { name: string; type: RecordType; client: string; port: number; proto: 'udp' | 'tcp' };
  listener: { transport: ServerTransport; port: number };
  serverBlock: { keys: string[]; line: number; index: number; zone: string } | null;
  view: string | null;
  viewsConsidered: ViewConsidered[];
  /** The block's plugins in execution (plugin.cfg) order. */
  plugins: string[];
  /** The plugin that answered (or forwarded), or null when the server itself replied. */
  plugin: string | null;
  rcode: Rcode;
  /** True when the reply carries the AA bit. */
  authoritative: boolean;
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
  /** Upstreams in the order the forward plugin lists them, when the query is forwarded. */
  forwardTo: { ip: string; port: number }[] | null;
  /** Resolv.conf files the query is forwarded to whose nameservers were not given (e.g. /etc/resolv.conf without nodeResolvers). */
  forwardToFiles?: string[];
  policy?: string;
  /** True when no reply is sent (acl drop). */
  dropped: boolean;
  cache: CacheVerdict;
  rewrittenName?: string;
  /** How the target of a CNAME the answering plugin returned (ExternalName, template, file) was looked up. */
  chased?: Explanation;
  summary: string;
  steps: string[];
}

/** A request moving down a plugin chain. */
export interface Req {
  /** Current (possibly rewritten) lower-case FQDN. */
  name: string;
  /** Name as asked, lower-case FQDN. */
  origName: string;
  type: RecordType;
  origType: RecordType;
  class: string;
  client: string;
  clientPort: number;
  proto: 'udp' | 'tcp';
  transport: ServerTransport;
  serverPort: number;
  serverIp: string;
  do: boolean;
  cd: boolean;
  bufsize: number;
  id: number;
  opcode: number;
  size: number;
}

/** A reply moving back up a chain. `written: false` = the plugin returned an error rcode without writing. */
export interface Res {
  rcode: Rcode;
  aa: boolean;
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
  written: boolean;
  /** Extended DNS error text (acl). */
  ede?: string;
  /** Set when the reply came from the cache. */
  fromCache?: boolean;
  /** Set when the cached reply had expired and is served by `serve_stale`. */
  stale?: boolean;
  /** Truncated reply (never cached). */
  tc?: boolean;
  /** Recursion available: set on replies relayed from an upstream (CoreDNS's own answers leave it clear). */
  ra?: boolean;
}

/** Adjusts a written reply on its way back up the chain (cache store, rewrite restore, loadbalance). */
export type PostHook = (res: Res, req: Req, ctx: ChainContext) => Res;

/** A forward plugin's decision to send the query upstream. */
export interface ForwardPlan {
  upstreams: Upstream[];
  /** Resolv.conf paths whose nameservers the evaluator was not given (explain reports them as targets). */
  unknownSources: string[];
  policy: ForwardPolicy;
  forceTcp: boolean;
  preferUdp: boolean;
  maxFails: number;
  /** Health-check interval in ms (`health_check`, default 500): a down upstream is probed again after it. */
  healthCheckMs: number;
  nextRcodes: Rcode[];
  nextOnNodata: boolean;
  /** Rcodes after which the next upstream is tried (`failover`). */
  failover: Rcode[];
  /** `max_concurrent` (0 = unlimited): queries beyond it are REFUSED. */
  maxConcurrent: number;
  failfast: boolean;
  /** Identity of this forward instance (block index + position) for health state. */
  id: string;
}

/** One forward destination. */
export interface Upstream {
  ip: string;
  port: number;
  tls?: boolean;
}

/** What one plugin decided. */
export type Outcome =
  | { kind: 'next'; req?: Req; post?: PostHook; note?: string }
  | { kind: 'answer'; res: Res; note: string; chase?: { name: string; type: RecordType }; refresh?: PostHook }
  | { kind: 'forward'; plan: ForwardPlan; note: string }
  | { kind: 'drop'; note: string }
  /** autopath: try these names through the rest of the chain; the first non-NXDOMAIN reply wins. */
  | { kind: 'search'; candidates: string[]; note: string };

/** Services the chain runner offers plugins (the same in explain and in the server). */
export interface ChainContext {
  world: EvalWorld;
  /** Index of the server block whose chain runs. */
  block: number;
  /** Reads the block's cache (server mode); explain has no cache state. */
  /** A fresh entry, or with `staleSeconds` > 0 an entry expired less than that long ago (marked `stale`). */
  cacheGet?: (block: number, key: string, now: number, staleSeconds?: number) => Res | undefined;
  cacheSet?: (block: number, key: string, res: Res, ttlSeconds: number, now: number) => void;
  now: number;
  /** RNG for shuffles; absent in explain(), where order-changing plugins only say what they would do. */
  random?: () => number;
  /** Notes plugins add while deciding (steps of the explanation). */
  notes: string[];
}

/** A plugin instance in a block's chain. */
export interface PluginInstance {
  name: string;
  line: number;
  serve(req: Req, ctx: ChainContext): Outcome;
}

/** Builds empty replies. */
export function reply(rcode: Rcode, opts: Partial<Res> = {}): Res {
  return { rcode, aa: false, answers: [], authority: [], additional: [], written: true, ...opts };
}
