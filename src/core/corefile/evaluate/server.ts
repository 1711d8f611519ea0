/**
 * CorefileServer: the evaluator's route + chain pipeline run on real DNS messages, with injected I/O
 * (clock, RNG, upstream exchange). It keeps per-block cache state and per-upstream failure counts, and
 * executes the forward plans that explain() only reports. No sockets here: callers (the lab) own them.
 */
import type { CorefileModel, ServerTransport } from '../model.js';
import { CacheStore, type CacheEntryRef } from './cache-store.js';
import { applyPosts, buildChain, nextIsForward, walk, type Chain, type PostEntry, type WalkResult } from './chain.js';
import { withAutopathCname } from './plugins/autopath.js';
import { rcodeValue } from '../../model/dns.js';
import { flagBits, fromWire, rcodeOf, toWire, type DnsMessage } from './message.js';
import { toReq } from './request.js';
import { route } from './route.js';
import { truncateTo } from './truncate.js';
import { reply, type ChainContext, type EvalWorld, type ForwardPlan, type Req, type Res, type Upstream } from './types.js';

export type { DnsMessage } from './message.js';

/** Injected I/O. */
export interface ServerIo {
  /** Milliseconds clock (cache TTLs). */
  now(): number;
  /** Seeded RNG in [0,1) (forward random policy, loadbalance). */
  random(): number;
  /** Sends `query` to an upstream and returns its reply; throws on timeout or error. */
  exchange(upstream: { ip: string; port: number }, query: DnsMessage, proto: 'udp' | 'tcp'): Promise<DnsMessage>;
  /** Told of every cache lookup, as CoreDNS counts them (coredns_cache_hits_total{type}, coredns_cache_misses_total). */
  observe?(event: ServerEvent): void;
  /**
   * forward's overall deadline per query (CoreDNS: 5 s). While it lasts, upstreams that fail with a
   * network error are tried again, round after round, as forward's ServeDNS loop does; without it
   * each upstream is tried once. Measured with now().
   */
  forwardDeadlineMs?: number;
}

/** What the server reports through `ServerIo.observe`. */
export type ServerEvent = { kind: 'cache'; result: 'hit' | 'miss'; type?: 'success' | 'denial'; block: number };

/** Where a query came from. */
export interface ClientInfo {
  ip: string;
  port: number;
  proto: 'udp' | 'tcp';
  /** Listener port the query arrived on (default 53). */
  serverPort?: number;
  /** Listener address the query arrived on (view `server_ip()`). */
  serverIp?: string;
  /** Listener transport (default dns); blocks of other transports never see the query. */
  transport?: ServerTransport;
}

/**
 * Filled by handle() when the reply is a fresh cache entry served as it is: the cache plugin answered,
 * and nothing before it in the chain or in routing depends on who asked (no view, acl, autopath,
 * rewrite, loadbalance). The same query, with the same header bits and buffer, then gets the same
 * reply apart from its id and TTLs for as long as freshTtl() says the entry lives.
 */
export interface HandleTrace {
  cacheHit?: CacheEntryRef & { type: 'success' | 'denial' };
}

/** Plugins that run before cache and, when they pass a query on, do so for every client alike. */
const clientIndependentBeforeCache: ReadonlySet<string> = new Set(['local', 'any', 'chaos']);

/** One forward exchange, for tests and metrics. */
export interface ForwardEvent { upstream: Upstream; ok: boolean; rcode?: string; error?: string }

const maxChase = 8;
/** Upper bound on forward's retry rounds within its deadline. */
const maxForwardRounds = 5;

function isTruncated(m: DnsMessage): boolean {
  return Boolean(m.flag_tc ?? ((m.flags ?? 0) & flagBits.TC));
}

/** An upstream reply as a chain reply (relayed verbatim). */
function toRes(m: DnsMessage, rcode: string): Res {
  return {
    rcode, aa: Boolean(m.flag_aa ?? ((m.flags ?? 0) & flagBits.AA)), written: true, tc: isTruncated(m),
    ra: Boolean(m.flag_ra ?? ((m.flags ?? 0) & flagBits.RA)),
    answers: (m.answers ?? []).map(fromWire),
    authority: (m.authorities ?? []).map(fromWire),
    additional: (m.additionals ?? []).filter((a) => a.type !== 'OPT').map(fromWire),
  };
}

/** The runnable Corefile. */
export class CorefileServer {
  private readonly chains = new Map<number, Chain>();
  private readonly cache = new CacheStore();
  private readonly fails = new Map<string, number>();
  private readonly lastFail = new Map<string, number>();
  private readonly inflight = new Map<string, number>();
  private readonly rr = new Map<string, number>();
  /** Every upstream exchange attempted, in order (bounded to the last 10,000). */
  readonly forwardLog: ForwardEvent[] = [];

  /** Blocks whose cache answers alone (see HandleTrace); none when any block has a view (routing then depends on the client). */
  private readonly cacheAnswersAlone = new Set<number>();

  constructor(private readonly model: CorefileModel, private readonly world: EvalWorld, private readonly io: ServerIo) {
    for (const b of model.blocks) this.chains.set(b.index, buildChain(b, world));
    const views = model.blocks.some((b) => b.directives.some((d) => d.name === 'view'));
    for (const [index, chain] of this.chains) {
      const at = chain.instances.findIndex((p) => p.name === 'cache');
      if (!views && at >= 0 && chain.instances.slice(0, at).every((p) => clientIndependentBeforeCache.has(p.name))) this.cacheAnswersAlone.add(index);
    }
  }

  /** The TTL the records of a traced cache hit would have now, or undefined when the entry no longer serves as it did. */
  freshTtl(ref: CacheEntryRef): number | undefined {
    return this.cache.freshTtl(ref, this.io.now());
  }

  /** Answers one query; null means no reply (acl drop). */
  async handle(query: DnsMessage, client: ClientInfo, trace?: HandleTrace): Promise<DnsMessage | null> {
    const q = query.questions?.[0];
    if (!q) return this.bare(query, 'SERVFAIL');
    const opt = query.additionals?.find((a) => a.type === 'OPT');
    const req = toReq({
      name: q.name || '.', type: String(q.type), class: q.class ?? 'IN', client: client.ip, clientPort: client.port, proto: client.proto,
      port: client.serverPort ?? 53, serverIp: client.serverIp, id: query.id ?? 0, transport: client.transport ?? 'dns',
      cd: Boolean(query.flag_cd ?? ((query.flags ?? 0) & flagBits.CD)),
      ...(opt ? { bufsize: Number(opt.udpPayloadSize ?? 512), do: Boolean(opt.flag_do ?? ((Number(opt.flags ?? 0) & 0x8000) !== 0)) } : {}),
    });
    let res: Res | null;
    try {
      res = await this.resolve(req, query, 0, trace);
    } catch {
      // CoreDNS recovers a panicking plugin and answers SERVFAIL; so do we for an unexpected error.
      return this.bare(query, 'SERVFAIL');
    }
    if (res === null) return null;
    if (client.proto === 'udp') res = truncateTo(res, req.origName, opt ? Math.max(512, req.bufsize) : 512, !!opt);
    return this.toMessage(query, res);
  }

  /** Cache entries of a block (tests). */
  cacheSize(block: number): number {
    return this.cache.size(block);
  }

  private ctx(block: number): ChainContext {
    return {
      world: this.world, block, now: this.io.now(), random: () => this.io.random(), notes: [],
      cacheGet: (b, k, now, stale) => {
        const hit = this.cache.get(b, k, now, stale);
        // CoreDNS types a hit by what it holds: an answer is a success, NXDOMAIN/NODATA a denial.
        const type = hit && (hit.rcode === 'NOERROR' && hit.answers.length > 0 ? 'success' : 'denial');
        this.io.observe?.(hit ? { kind: 'cache', result: 'hit', type: type as 'success' | 'denial', block: b } : { kind: 'cache', result: 'miss', block: b });
        return hit;
      },
      cacheSet: (b, k, res, ttl, now) => this.cache.set(b, k, res, ttl, now),
    };
  }

  private async resolve(req: Req, query: DnsMessage, depth: number, trace?: HandleTrace): Promise<Res | null> {
    const r = route(this.model, req, this.world);
    if (!r.block || r.serverRcode) return reply(r.serverRcode ?? 'REFUSED', { written: false });
    const chain = this.chains.get(r.block.index)!;
    const ctx = this.ctx(r.block.index);
    const w = walk(chain, req, ctx);
    if (trace && w.kind === 'answer' && w.plugin === 'cache' && !w.refresh && !w.chase && w.posts.length === 0 && this.cacheAnswersAlone.has(r.block.index) && this.cache.lastHit) {
      trace.cacheHit = { ...this.cache.lastHit, type: w.res.rcode === 'NOERROR' && w.res.answers.length > 0 ? 'success' : 'denial' };
    }
    return this.complete(chain, ctx, w, query, depth);
  }

  /** Runs a walk to its reply: executes forwards (and `next` hand-overs), CNAME chases and autopath searches. */
  private async complete(chain: Chain, ctx: ChainContext, start: WalkResult, query: DnsMessage, depth: number): Promise<Res | null> {
    let w = start;
    for (;;) {
      if (w.kind === 'drop') return null;
      if (w.kind === 'end') return reply('SERVFAIL', { written: false });
      if (w.kind === 'answer') {
        if (w.refresh) {
          // serve_stale: refresh the entry through the rest of the chain without making the client wait.
          const refresh: PostEntry = { hook: w.refresh, req: w.req };
          void this.complete(chain, ctx, walk(chain, w.req, ctx, w.index + 1, [refresh]), query, depth).catch(() => undefined);
        }
        let res = w.res;
        if (w.chase && depth < maxChase) {
          const sub = await this.resolve(toReq({ name: w.chase.name, type: w.chase.type, client: w.req.client, clientPort: w.req.clientPort, proto: w.req.proto, port: w.req.serverPort, transport: w.req.transport, serverIp: w.req.serverIp }), { ...query, questions: [{ name: w.chase.name.replace(/\.$/, ''), type: w.chase.type, class: 'IN' }] }, depth + 1);
          if (sub) res = { ...res, answers: [...res.answers, ...sub.answers] };
        }
        return applyPosts(res, w.posts, ctx);
      }
      if (w.kind === 'search') {
        let first: Res | null | undefined;
        for (const name of w.candidates) {
          const got = await this.complete(chain, ctx, walk(chain, { ...w.req, name }, ctx, w.index + 1, []), query, depth);
          if (first === undefined) first = got;
          if (got && got.written && got.rcode !== 'NXDOMAIN') return applyPosts(withAutopathCname(got, w.req.name), w.posts, ctx);
        }
        return first ? applyPosts(first, w.posts, ctx) : null;
      }
      const got = await this.forward(w.plan, w.req, query);
      const nodata = got.rcode === 'NOERROR' && got.answers.length === 0;
      if ((w.plan.nextRcodes.includes(got.rcode) || (w.plan.nextOnNodata && nodata)) && nextIsForward(chain, w.index)) {
        w = walk(chain, w.req, ctx, w.index + 1, w.posts as PostEntry[]);
        continue;
      }
      return applyPosts(got, w.posts, ctx);
    }
  }

  private order(plan: ForwardPlan): Upstream[] {
    const list = plan.upstreams.slice();
    if (plan.policy === 'random') {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(this.io.random() * (i + 1));
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
    } else if (plan.policy === 'round_robin') {
      const n = this.rr.get(plan.id) ?? 0;
      this.rr.set(plan.id, n + 1);
      const k = n % list.length;
      return [...list.slice(k), ...list.slice(0, k)];
    }
    return list;
  }

  /**
   * Down after more than max_fails consecutive failures. CoreDNS health-checks a down upstream in the
   * background every health_check interval; here the next query after that interval is its probe.
   */
  private isDown(plan: ForwardPlan, u: Upstream): boolean {
    const key = `${u.ip}:${u.port}`;
    if (plan.maxFails === 0 || (this.fails.get(key) ?? 0) <= plan.maxFails) return false;
    return this.io.now() - (this.lastFail.get(key) ?? 0) < plan.healthCheckMs;
  }

  private log(e: ForwardEvent): void {
    this.forwardLog.push(e);
    if (this.forwardLog.length > 10000) this.forwardLog.shift();
  }

  private async forward(plan: ForwardPlan, req: Req, query: DnsMessage): Promise<Res> {
    if (plan.upstreams.length === 0) return reply('SERVFAIL', { written: false });
    const inflight = this.inflight.get(plan.id) ?? 0;
    // max_concurrent: queries beyond the limit are refused, not queued.
    if (plan.maxConcurrent > 0 && inflight >= plan.maxConcurrent) return reply('REFUSED', { written: false });
    this.inflight.set(plan.id, inflight + 1);
    try {
      return await this.exchangeWithRetry(plan, req, query);
    } finally {
      this.inflight.set(plan.id, (this.inflight.get(plan.id) ?? 1) - 1);
    }
  }

  private async exchangeWithRetry(plan: ForwardPlan, req: Req, query: DnsMessage): Promise<Res> {
    let candidates = this.order(plan).filter((u) => !this.isDown(plan, u));
    if (candidates.length === 0) {
      if (plan.failfast) return reply('SERVFAIL', { written: false });
      // All upstreams marked down: CoreDNS picks one at random and tries anyway.
      candidates = [plan.upstreams[Math.floor(this.io.random() * plan.upstreams.length)]!];
    }
    // force_tcp wins; prefer_udp sends TCP clients' queries over UDP (retrying over TCP when truncated).
    const proto: 'udp' | 'tcp' = plan.forceTcp ? 'tcp' : plan.preferUdp ? 'udp' : req.proto;
    const out: DnsMessage = { ...query, type: 'query', questions: [{ name: req.name === '.' ? '.' : req.name.slice(0, -1), type: req.type, class: req.class }] };
    let last: Res | null = null;
    const started = this.io.now();
    const deadline = this.io.forwardDeadlineMs;
    // Rounds are bounded too, so a clock that does not move (tests) or upstreams that refuse at once cannot spin.
    for (let round = 0; round < maxForwardRounds; round++) {
      for (const u of candidates) {
        const key = `${u.ip}:${u.port}`;
        try {
          let m = await this.io.exchange({ ip: u.ip, port: u.port }, out, proto);
          if (plan.preferUdp && req.proto === 'tcp' && isTruncated(m)) m = await this.io.exchange({ ip: u.ip, port: u.port }, out, 'tcp');
          this.fails.set(key, 0);
          const rcode = rcodeOf(m);
          this.log({ upstream: u, ok: true, rcode });
          last = toRes(m, rcode);
          // failover RCODE...: try the next upstream on these replies.
          if (plan.failover.includes(rcode)) continue;
          return last;
        } catch (err) {
          this.fails.set(key, (this.fails.get(key) ?? 0) + 1);
          this.lastFail.set(key, this.io.now());
          this.log({ upstream: u, ok: false, error: (err as Error).message });
        }
      }
      if (last || deadline === undefined || this.io.now() - started >= deadline) break;
    }
    return last ?? reply('SERVFAIL', { written: false });
  }

  private bare(query: DnsMessage, rcode: string): DnsMessage {
    return this.toMessage(query, reply(rcode, { written: false }));
  }

  private toMessage(query: DnsMessage, res: Res): DnsMessage {
    const rd = (query.flags ?? 0) & flagBits.RD || (query.flag_rd ? flagBits.RD : 0);
    let flags = flagBits.QR | rd | (rcodeValue(res.rcode) ?? 2);
    if (res.aa) flags |= flagBits.AA;
    if (res.tc) flags |= flagBits.TC;
    if (res.ra) flags |= flagBits.RA;
    const opt = query.additionals?.find((a) => a.type === 'OPT');
    return {
      id: query.id ?? 0,
      type: 'response',
      flags,
      rcode: res.rcode,
      questions: query.questions ?? [],
      answers: res.answers.map(toWire),
      authorities: res.authority.map(toWire),
      additionals: [...res.additional.map(toWire), ...(opt ? [{ name: '.', type: 'OPT', udpPayloadSize: 1232, flags: 0 } as never] : [])],
    };
  }
}
