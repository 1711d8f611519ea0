/**
 * One CoreDNS replica: a real DNS server (UDP and TCP, port 53 as the cluster sees it) on its
 * pod's mapped address, answering with the Corefile engine. Upstream queries are real packets
 * from the replica's NODE address (the pod's traffic to resolvers outside the cluster is SNATed),
 * with forward's 2 s read timeout (scalable), so views and network rules see the node.
 * Reload follows CoreDNS: a ConfigMap change is picked up only when the RUNNING config has
 * `reload`; an invalid new Corefile keeps the old one running and counts a failed reload.
 */
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { absoluteFile } from '../../core/corefile/imports.js';
import dnsPacket from 'dns-packet';
import { rcodeName } from '../../core/model/dns.js';
import type { ClusterState } from '../../core/model/k8s.js';
import { ExchangeError, exchangeFrom } from '../net/lab-exchange.js';
import type { LabClient, LabNetwork, LabServer } from '../net/lab-network.js';
import { rngStream, type Rng } from '../net/seeded-rng.js';
import { CorefileLoadError, type CacheHitRef, type CorefileEngine, type EngineEvent, type EngineIo, type RunningConfig } from './corefile-engine.js';
import { clientUdpSize, encodeResponse, firstQuestion, formErrorFor, hasUnrepresentableName, rcodeNumber, responseTo, safeDecode, withRcodeFlags, type DnsMessage } from './dns-wire.js';
import { ReplicaLog } from './replica-log.js';
import { loopDetectedLine } from '../../core/corefile/startup-errors.js';
import { ReplicaMetrics } from './replica-metrics.js';
import { memoKey, WireAnswerMemo } from './wire-answer-memo.js';

/** A CoreDNS pod as the scenario (or a rollout) describes it. */
export interface ReplicaSpec {
  name: string;
  node: string;
  ip: string;
  ready: boolean;
}

export interface ReplicaDeps {
  labNet: LabNetwork;
  engine: CorefileEngine;
  /** The node's IP (source of upstream traffic). */
  nodeIp: string;
  /** Nameservers of the node's resolv.conf (CoreDNS's /etc/resolv.conf under dnsPolicy Default). */
  nodeResolvers: string[];
  cluster: () => ClusterState;
  seed: number;
  /** forward's per-upstream read timeout; CoreDNS uses 2000 ms. */
  forwardReadTimeoutMs?: number;
  /** The replica's clock (cache TTLs); default Date.now. Tests inject one to step over TTLs. */
  now?: () => number;
  /** CoreDNS version of the image (e.g. "1.11.3"). */
  corednsVersion?: string;
  /**
   * Addresses that lead back to this replica when it forwards to them: loopback (the pod's own network
   * namespace), its pod IP, the DNS Service IP. A forward there is a loop.
   */
  selfAddresses?: string[];
  /** Told when the process exits (a refused Corefile, a detected loop) or starts serving again. */
  onStateChange?: (replica: CorednsReplica) => void;
}

/** How a CoreDNS process ended, as kubelet records it (lastState.terminated) and its log shows. */
export interface ReplicaExit {
  cause: 'corefile-refused' | 'loop-detected';
  reason: 'Error';
  exitCode: number;
  /** The log of the instance that exited, ending with the line that says why. */
  log: string;
  at: string;
}

/** sha512 hex of a Corefile, as the reload plugin and coredns_reload_version_info use it. */
export function corefileHash(text: string): string {
  return createHash('sha512').update(text).digest('hex');
}

/**
 * The hash reload compares: the Corefile with the files its `import` lines read (CoreDNS hashes the
 * configuration after imports, so editing an imported coredns-custom key reloads too). `files` are
 * ConfigMap keys as mounted under /etc/coredns (custom keys as `custom/NAME`).
 */
export function configHash(text: string, files: Record<string, string>): string {
  const patterns = [...text.matchAll(/^\s*import\s+(\S+)/gm)].map((m) => picomatch(absoluteFile(m[1]!)));
  const imported = Object.keys(files).sort().filter((k) => patterns.some((match) => match(absoluteFile(k))));
  if (imported.length === 0) return corefileHash(text);
  const h = createHash('sha512').update(text);
  for (const k of imported) h.update(`\0${k}\0${files[k]}`);
  return h.digest('hex');
}

export class CorednsReplica {
  private running: RunningConfig | undefined;
  private metrics = new ReplicaMetrics();
  private log = new ReplicaLog();
  /** The last failed upstream exchange (for the `errors` plugin's line of the request it failed). */
  private lastExchangeError: { at: number; detail: string } | undefined;
  private readonly servers: LabServer[] = [];
  /** Encoded cache hits of each running config (a reload or restart starts with none, as its cache does). */
  private readonly memos = new WeakMap<RunningConfig, WireAnswerMemo>();
  private rng: Rng;
  private restarts = 0;
  /** Why the replica is not serving (a Corefile CoreDNS refused at start-up), if it is not. */
  lastError: string | undefined;
  /** Set while the process is not running because it exited (CrashLoopBackOff until a start succeeds). */
  exit: ReplicaExit | undefined;
  /** How many times the process was started (the first start included). */
  get starts(): number {
    return this.restarts;
  }
  /** The start-up loop probe in flight: its name, and whether it came back to this replica. */
  private loopProbe: { name: string; returned: boolean } | undefined;

  constructor(
    readonly spec: ReplicaSpec,
    private readonly deps: ReplicaDeps,
  ) {
    this.rng = rngStream(deps.seed, `coredns:${spec.name}:0`);
  }

  /** True when the replica answers DNS (ready and running a config). */
  get serving(): boolean {
    return this.spec.ready && this.running !== undefined;
  }

  /** The loaded Corefile's sha512, when one is running. */
  get loadedHash(): string | undefined {
    return this.running ? this.metrics.loadedHash : undefined;
  }

  private io(): EngineIo {
    const metrics = this.metrics;
    const { labNet, nodeIp } = this.deps;
    const timeout = this.deps.forwardReadTimeoutMs ?? 2000;
    return {
      now: this.deps.now ?? (() => Date.now()),
      // forward's 5 s per-query deadline, scaled with its read timeout (2 s in CoreDNS).
      forwardDeadlineMs: Math.round((timeout * 5000) / 2000),
      random: () => this.rng(),
      observe: (e: EngineEvent) => metrics.cache(e.result, e.type),
      exchange: async (upstream, query, proto) => {
        const to = `${upstream.ip}:${upstream.port}`;
        if (this.leadsBack(upstream.ip)) return this.forwardToSelf(query, to, timeout);
        metrics.forwardRequests.inc({ to });
        const wire = dnsPacket.encode(query);
        try {
          const reply = await exchangeFrom(labNet.map, nodeIp, upstream, wire, proto, timeout);
          const decoded = safeDecode(reply);
          if (!decoded) throw new ExchangeError('error', `${to}: malformed reply`);
          metrics.forwardResponses.inc({ to, rcode: decoded.rcode ?? 'NOERROR' });
          return decoded;
        } catch (err) {
          // CoreDNS health-checks an upstream right after a failed exchange; in the lab the check
          // would cross the same network, so a failed exchange counts as one failed health check.
          metrics.healthcheckFailures.inc({ to });
          const reason = err instanceof ExchangeError ? (err.reason === 'timeout' ? 'i/o timeout' : err.reason === 'refused' ? 'connection refused' : err.message) : (err as Error).message;
          const local = err instanceof ExchangeError && err.localPort !== undefined ? err.localPort : 0;
          // Inside the pod the socket has the pod's address; SNAT to the node happens on the way out.
          this.lastExchangeError = { at: performance.now(), detail: `read ${proto} ${this.spec.ip}:${local}->${to}: ${reason}` };
          throw err instanceof ExchangeError ? err : new ExchangeError('error', (err as Error).message);
        }
      },
    };
  }

  /** True when a forward to `ip` comes back to this replica (see ReplicaDeps.selfAddresses). */
  private leadsBack(ip: string): boolean {
    return ip.startsWith('127.') || ip === '::1' || ip === this.spec.ip || (this.deps.selfAddresses ?? []).includes(ip);
  }

  /**
   * A query this replica forwards to itself. During the loop plugin's start-up probe that is the loop
   * it looks for; otherwise the query goes round and round (CoreDNS without `loop` forwards it again
   * every time, until memory runs out) and the forward never gets an answer.
   */
  private async forwardToSelf(query: DnsMessage, to: string, timeoutMs: number): Promise<DnsMessage> {
    const name = (query.questions?.[0]?.name ?? '').toLowerCase().replace(/\.$/, '');
    if (this.loopProbe && name === this.loopProbe.name) {
      this.loopProbe.returned = true;
      throw new ExchangeError('error', `${to}: the query came back (loop)`);
    }
    this.metrics.healthcheckFailures.inc({ to });
    await new Promise((r) => setTimeout(r, timeoutMs).unref());
    throw new ExchangeError('timeout', `${to}: i/o timeout (the query loops back to this CoreDNS)`);
  }

  /**
   * The loop plugin at start-up: a HINFO query for a random name in the first zone of each block with
   * `loop`, sent through the running config. If the forward brings it back here, CoreDNS logs the loop
   * and exits. Returns the fatal log line, or undefined when there is no loop.
   */
  private async detectLoop(running: RunningConfig): Promise<string | undefined> {
    for (const zone of running.loopZones ?? []) {
      // Two random 19-digit labels, as the loop plugin's rand.Int63 pair.
      const digits = () => `${Math.floor(this.rng() * 9e9) + 1e9}${String(Math.floor(this.rng() * 1e9)).padStart(9, '0')}`;
      const origin = zone === '.' || zone === '' ? '' : zone.replace(/\.$/, '');
      const name = `${digits()}.${digits()}${origin ? `.${origin}` : ''}`;
      this.loopProbe = { name, returned: false };
      try {
        await running.handle({ id: 1, type: 'query', flags: 0x0100, questions: [{ name, type: 'HINFO', class: 'IN' }] } as DnsMessage, { ip: '127.0.0.1', port: 40000 + Math.floor(this.rng() * 20000), proto: 'udp' });
      } catch {
        // A failed probe is not a loop.
      }
      const returned = this.loopProbe.returned;
      this.loopProbe = undefined;
      if (returned) return loopDetectedLine(`127.0.0.1:${40000 + Math.floor(this.rng() * 20000)}`, zone === '' ? '.' : zone, `${name}.`);
    }
    return undefined;
  }

  /** The process exits: nothing serves any more, and kubelet will restart it (CrashLoopBackOff). */
  private async die(cause: ReplicaExit['cause'], line: string): Promise<void> {
    this.running = undefined;
    await this.closeServers();
    this.exit = { cause, reason: 'Error', exitCode: 1, log: `${this.log.text()}${line}\n`, at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    this.deps.onStateChange?.(this);
  }

  private load(text: string, files: Record<string, string>): RunningConfig {
    const cluster = this.deps.cluster;
    const world = {
      get cluster(): ClusterState {
        return cluster();
      },
      nodeResolvers: this.deps.nodeResolvers,
      files,
      ...(this.deps.corednsVersion ? { corednsVersion: this.deps.corednsVersion } : {}),
    };
    return this.deps.engine(text, world, this.io());
  }

  /**
   * Starts the process with `text` (a pod start or restart): counters and cache start empty.
   * A Corefile CoreDNS refuses leaves the replica not serving (CrashLoopBackOff).
   */
  async start(text: string, files: Record<string, string>): Promise<void> {
    await this.closeServers();
    this.metrics = new ReplicaMetrics();
    this.log = new ReplicaLog();
    this.rng = rngStream(this.deps.seed, `coredns:${this.spec.name}:${this.restarts++}`);
    this.running = undefined;
    this.lastError = undefined;
    const wasDown = this.exit !== undefined;
    let running: RunningConfig;
    try {
      running = this.load(text, files);
    } catch (err) {
      if (!(err instanceof CorefileLoadError)) throw err;
      this.lastError = err.message;
      // CoreDNS writes the error and exits with status 1; kubelet restarts it with a growing back-off.
      return this.die('corefile-refused', err.logLine);
    }
    this.metrics.loadedHash = configHash(text, files);
    this.log.started(running.serverAddresses ?? ['.:53'], this.metrics.loadedHash, this.deps.corednsVersion);
    const loop = await this.detectLoop(running);
    if (loop) {
      this.lastError = loop;
      return this.die('loop-detected', loop);
    }
    this.running = running;
    this.exit = undefined;
    if (wasDown) this.deps.onStateChange?.(this);
    if (!this.spec.ready) return;
    const handler = (msg: Buffer, client: LabClient, proto: 'udp' | 'tcp'): Promise<Buffer | null> => this.handle(msg, client, proto);
    this.servers.push(await this.deps.labNet.serveDnsUdp(this.spec.ip, 53, handler));
    this.servers.push(await this.deps.labNet.serveDnsTcp(this.spec.ip, 53, handler));
  }

  /**
   * The ConfigMap changed. Returns what happened: `reloaded`, `failed` (invalid; old config kept),
   * `ignored` (the running config has no `reload`), `unchanged`, or `not-running`.
   */
  reload(text: string, files: Record<string, string>): 'reloaded' | 'failed' | 'ignored' | 'unchanged' | 'not-running' {
    if (!this.running) return 'not-running';
    if (!this.running.hasReload) return 'ignored';
    const hash = configHash(text, files);
    if (hash === this.metrics.loadedHash) return 'unchanged';
    try {
      this.running = this.load(text, files);
    } catch (err) {
      if (!(err instanceof CorefileLoadError)) throw err;
      this.metrics.reloadFailed.inc();
      this.lastError = err.message;
      this.log.failedReload(err.message);
      return 'failed';
    }
    this.metrics.loadedHash = hash;
    this.log.reloaded(this.running.serverAddresses ?? ['.:53'], hash);
    // A reload sets the plugins up again, the loop plugin's probe included: a new loop is fatal too.
    const running = this.running;
    void this.detectLoop(running).then((line) => (line && this.running === running ? this.die('loop-detected', line) : undefined)).catch(() => {});
    return 'reloaded';
  }

  /**
   * Answers one DNS message from `client` (also called in-process by the DNS Service VIP, with the
   * original client address, as kube-proxy keeps the source). Null: nothing is sent back.
   */
  async handle(msg: Buffer, client: LabClient, proto: 'udp' | 'tcp'): Promise<Buffer | null> {
    const running = this.running;
    if (!running || !this.spec.ready) return null;
    // The `log` plugin writes a line per query from the decoded query: those configs take the full path.
    const key = running.freshTtl && !running.plugins?.includes('log') ? memoKey(msg, proto) : undefined;
    let memo = key !== undefined ? this.memos.get(running) : undefined;
    if (key !== undefined && memo) {
      const kept = memo.answer(key, msg.readUInt16BE(0), running.freshTtl!);
      if (kept) {
        this.metrics.request(proto, kept.qtype);
        this.metrics.cache('hit', kept.type);
        this.metrics.response(kept.rcode);
        return kept.wire;
      }
    }
    const q = safeDecode(msg);
    if (!q || q.type !== 'query') return null;
    if (hasUnrepresentableName(q)) return encodeResponse(formErrorFor(q), proto);
    const question = firstQuestion(q);
    this.metrics.request(proto, question?.type ?? 'other');
    const started = performance.now();
    let reply: DnsMessage | null;
    const trace: { cacheHit?: CacheHitRef } = {};
    try {
      reply = await running.handle(q, { ip: client.ip, port: client.port, proto }, trace);
    } catch {
      // An engine bug must not take the lab down: answer as CoreDNS does for a plugin error.
      reply = { ...(responseTo(q, { rcode: 'SERVFAIL' }) as DnsMessage), rcode: 'SERVFAIL' };
    }
    if (!reply) return null;
    const rcode = reply.rcode ?? 'NOERROR';
    this.metrics.response(rcode);
    let wire: Buffer;
    try {
      wire = encodeResponse(withRcodeFlags({ ...reply, type: 'response' }), proto, clientUdpSize(q));
    } catch {
      wire = encodeResponse(responseTo(q, { rcode: 'SERVFAIL' }), proto);
    }
    this.writeLogs(running, q, msg.length, wire, client, proto, started, question);
    // SERVFAIL is left out: the errors plugin logs each one with the failure of its own request.
    if (key !== undefined && trace.cacheHit && question && rcode !== 'SERVFAIL' && (wire.readUInt16BE(2) & 0xf) === rcodeNumber(rcode)) {
      if (!memo) this.memos.set(running, (memo = new WireAnswerMemo()));
      memo.keep(key, wire, trace.cacheHit, question.type, rcode);
    }
    return wire;
  }

  /** The `log` and `errors` plugins' lines for one request, when the Corefile has them. */
  private writeLogs(running: RunningConfig, q: DnsMessage, size: number, wire: Buffer, client: LabClient, proto: 'udp' | 'tcp', started: number, question: { name: string; type: string } | undefined): void {
    const plugins = running.plugins ?? [];
    const logging = plugins.includes('log');
    const errors = plugins.includes('errors');
    if (!question || (!logging && !errors)) return;
    // The reply as sent (after truncation): rcode in the low 4 bits, flags in the header.
    const flagBits = wire.length >= 4 ? wire.readUInt16BE(2) : 0;
    const rcode = rcodeName(flagBits & 0xf);
    if (logging) {
      const names: [number, string][] = [[0x8000, 'qr'], [0x0400, 'aa'], [0x0200, 'tc'], [0x0100, 'rd'], [0x0080, 'ra']];
      const flags = names.filter(([bit]) => flagBits & bit).map(([, n]) => n).join(',');
      const opt = q.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number; flag_do?: boolean } | undefined;
      this.log.query({
        client: client.ip, port: client.port, id: q.id ?? 0, type: question.type, name: question.name || '.', proto, size,
        do: opt?.flag_do ?? false, bufsize: opt?.udpPayloadSize ?? 512, rcode, flags, rsize: wire.length, ms: performance.now() - started,
      });
    }
    if (errors && rcode === 'SERVFAIL') {
      const e = this.lastExchangeError;
      this.log.error(question.name || '.', question.type, e && e.at >= started ? e.detail : 'no upstream answered');
    }
  }

  /** What `kubectl logs` shows for this pod's current container. */
  logsText(): string {
    return this.log.text();
  }

  /** Prometheus text for :9153/metrics. */
  metricsText(): string {
    return this.metrics.text();
  }

  private async closeServers(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => s.close()));
  }

  async stop(): Promise<void> {
    await this.closeServers();
    this.running = undefined;
  }
}
