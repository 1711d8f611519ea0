/**
 * The seam between a lab CoreDNS replica and the Corefile engine: load a Corefile into something
 * that answers queries. The real engine (the evaluator's CorefileServer) is wired in corefile-server-engine.ts;
 * tests of the replica's own behaviour (sockets, reload rules, metrics) may pass a small fake.
 */
import type { ClusterState } from '../../core/model/k8s.js';
import type { DnsMessage } from './dns-wire.js';
import { DnswhyError } from '../../core/errors.js';

/** Who asked, as the engine sees it. */
export interface EngineClient {
  ip: string;
  port: number;
  proto: 'udp' | 'tcp';
}

/** What the lab gives the engine for I/O (CoreDNS's clock, RNG and upstream exchange). */
export interface EngineIo {
  now(): number;
  random(): number;
  /** Sends `query` to an upstream with real packets; throws on timeout or error. */
  exchange(upstream: { ip: string; port: number }, query: DnsMessage, proto: 'udp' | 'tcp'): Promise<DnsMessage>;
  /** Optional events from the engine (cache lookups, health checks) for the metrics. */
  observe?(e: EngineEvent): void;
  /** forward's per-query deadline within which failing upstreams are retried (CoreDNS: 5 s). */
  forwardDeadlineMs?: number;
}

/** Events an engine may report (cache lookups, for coredns_cache_hits_total / misses). */
export type EngineEvent = { kind: 'cache'; result: 'hit' | 'miss'; type?: 'success' | 'denial'; block?: number };

/** The world a replica runs in. `cluster` is read at query time (the lab's objects change). */
export interface EngineWorld {
  readonly cluster: ClusterState;
  nodeResolvers: string[];
  /** ConfigMap keys as mounted under /etc/coredns (NodeHosts, imported files). */
  files: Record<string, string>;
  /** CoreDNS version of the image ("1.11.3"), which decides what a Corefile may contain. */
  corednsVersion?: string;
}

/** A reply served from a fresh cache entry as it is (see HandleTrace in the evaluator's server). */
export interface CacheHitRef {
  block: number;
  key: string;
  seq: number;
  type: 'success' | 'denial';
}

/** A loaded, running configuration. */
export interface RunningConfig {
  /** Answers one query; `trace.cacheHit` is set when the reply is a cache entry that serves every such query alike. */
  handle(query: DnsMessage, client: EngineClient, trace?: { cacheHit?: CacheHitRef }): Promise<DnsMessage | null>;
  /** The TTL the records of a traced cache hit would have now; undefined once that entry no longer serves. */
  freshTtl?(hit: CacheHitRef): number | undefined;
  /** True when the config has the `reload` plugin (it then picks up ConfigMap changes). */
  hasReload: boolean;
  /** Server addresses as CoreDNS prints them at start ("." + ":53" → ".:53"), when known. */
  serverAddresses?: string[];
  /** Plugins used anywhere in the config (for the `log` and `errors` lines the replica writes). */
  plugins?: string[];
  /** The first zone of every server block with the `loop` plugin (where its start-up probe goes). */
  loopZones?: string[];
}

/** A Corefile that cannot be loaded; CoreDNS refuses it at start-up or reload. */
export class CorefileLoadError extends DnswhyError {
  override readonly code = 'lab-corefile-refused';
  override readonly permanent = true;
  /**
   * @param message - what is wrong, with its place
   * @param logLine - the line CoreDNS writes before it exits ("plugin/x: FILE:LINE - Error during parsing: ...")
   */
  constructor(
    message: string,
    readonly logLine: string = `Error during parsing: ${message}`,
  ) {
    super(message);
  }
}

/** Loads a Corefile; throws CorefileLoadError when CoreDNS would refuse it. */
export type CorefileEngine = (text: string, world: EngineWorld, io: EngineIo) => RunningConfig;
