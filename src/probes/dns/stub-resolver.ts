/**
 * Runs the glibc or musl stub-resolver state machine (src/core/resolver) with real DNS packets:
 * the exact ordered list of queries a lookup sends, what each got, and the final result. libc's
 * per-try timeouts can be shrunk (timeoutScale) so a probe never waits 5 s × attempts; the
 * evidence still records the libc-equivalent times (what the application would have waited).
 */
import type { RecordType } from '../../core/model/dns.js';
import type { LookupEvidence, StubQuery } from '../../core/model/evidence.js';
import { type NetworkPosition, directNetwork } from '../../core/network-position.js';
import { hostsLookup, parseHostsFile } from '../../core/resolver/hosts-file.js';
import type { Libc, ResolvConf } from '../../core/resolver/resolv-conf.js';
import { type ExchangeStep, type FamilyResult, createStubMachine } from '../../core/resolver/stub-machine.js';
import { channelResult, type DnsQueryResult } from './dns-client.js';
import { tcpExchange } from './tcp-exchange.js';
import { muslRound } from './musl-round.js';
import { type ChannelAnswer, UdpChannel } from './udp-channel.js';

/** How to run a lookup. */
export interface LookupOptions {
  libc: Libc;
  network?: NetworkPosition;
  /** Cluster identity the queries leave from. */
  sourceIp?: string;
  /** Multiplies libc's timeouts for the real waits (default 1; probes use e.g. 0.1). */
  timeoutScale?: number;
  /** Lower bound of a real per-try wait after scaling, default 100 ms. */
  minTryMs?: number;
  /** Default ['A', 'AAAA'] (getaddrinfo with AF_UNSPEC). */
  families?: ('A' | 'AAAA')[];
  /** /etc/hosts text: the files backend is consulted first (nsswitch "files dns"). */
  hosts?: string;
}

/** LookupEvidence without the EvidenceBase fields. */
export type LookupResult = Omit<LookupEvidence, 'id' | 'from' | 'at' | 'ms'>;

/** Upper bound on exchanges, in case a machine never finishes (it should always finish well before). */
const maxSteps = 500;

/** Resolves `name` the way the given libc would with this resolv.conf, sending real queries. */
export async function lookup(name: string, conf: ResolvConf, opts: LookupOptions): Promise<LookupResult> {
  const started = performance.now();
  const families: RecordType[] = opts.families ?? ['A', 'AAAA'];
  const scale = opts.timeoutScale ?? 1;
  const done = (partial: Pick<LookupResult, 'queries' | 'result' | 'totalMs'>): LookupResult => ({
    kind: 'lookup',
    libc: opts.libc,
    name,
    ...partial,
    probeMs: Math.round(performance.now() - started),
    timeoutScale: scale,
  });

  if (opts.hosts !== undefined) {
    const fromHosts = hostsLookup(parseHostsFile(opts.hosts), name, families);
    if (fromHosts.length > 0) {
      return done({ queries: [], result: { ok: true, addresses: fromHosts, answeredBy: 'hosts-file', finalName: name.replace(/\.$/, '') }, totalMs: 0 });
    }
  }

  const machine = createStubMachine(name, conf, opts.libc, families);
  const queries: StubQuery[] = [];
  const ctx: ExecContext = {
    network: opts.network ?? directNetwork,
    bindHost: (opts.network ?? directNetwork).bindAddress(opts.sourceIp),
    sourceIp: opts.sourceIp,
    scale,
    minTryMs: opts.minTryMs ?? 100,
    channels: new Map(),
    ids: new Map(),
    candidate: -1,
  };
  try {
    for (let i = 0; i < maxSteps; i++) {
      const step = machine.next();
      if (step.kind === 'done') {
        const { outcome } = step;
        const result: LookupResult['result'] = { ok: outcome.ok, addresses: outcome.addresses };
        if (outcome.error !== undefined) result.error = outcome.error;
        if (outcome.answeredBy !== undefined) result.answeredBy = outcome.answeredBy;
        if (outcome.finalName !== undefined) result.finalName = outcome.finalName;
        return done({ queries, result, totalMs: Math.round(outcome.totalMs) });
      }
      const { results, sent } = step.libc === 'glibc' ? await glibcTry(step, ctx) : await muslRound(step, { network: ctx.network, bindHost: ctx.bindHost, sourceIp: ctx.sourceIp, wait: (ms) => realWait(ms, ctx) });
      queries.push(...sent);
      machine.observe(results);
    }
    throw new Error(`lookup of ${name}: the stub resolver did not finish after ${maxSteps} exchanges`);
  } finally {
    closeChannels(ctx);
  }
}

interface ExecContext {
  network: NetworkPosition;
  bindHost: string | undefined;
  /** The cluster identity packets carry (the lab applies kernel-level drop/reject rules by it). */
  sourceIp: string | undefined;
  scale: number;
  minTryMs: number;
  /**
   * glibc keeps one socket per server while it tries one name (re-sends go out on it with the same
   * ids); the next name gets new sockets (measured: "new source port per name").
   */
  channels: Map<string, UdpChannel>;
  ids: Map<string, number>;
  candidate: number;
}

function closeChannels(ctx: ExecContext): void {
  for (const ch of ctx.channels.values()) ch.close();
  ctx.channels.clear();
}

/** The channel for this server and socket mode during the current name, opened on first use. */
async function channelFor(ctx: ExecContext, step: ExchangeStep, server: string, key: string): Promise<UdpChannel | ChannelAnswer> {
  if (step.candidateIndex !== ctx.candidate) {
    closeChannels(ctx);
    ctx.ids.clear();
    ctx.candidate = step.candidateIndex;
  }
  const k = `${server}|${key}`;
  const cached = ctx.channels.get(k);
  if (cached && !cached.refused) return cached;
  cached?.close();
  const ch = await openChannel(server, ctx);
  if (ch instanceof UdpChannel) ctx.channels.set(k, ch);
  return ch;
}

function realWait(libcMs: number, ctx: ExecContext): number {
  return Math.max(ctx.minTryMs, Math.round(libcMs * ctx.scale));
}

function toFamilyResult(r: DnsQueryResult, server: string, libcTimeoutMs: number): FamilyResult {
  return {
    qtype: r.qtype,
    outcome: r.outcome,
    ...(r.rcode !== undefined ? { rcode: r.rcode } : {}),
    addresses: r.answers.filter((a) => a.type === r.qtype).map((a) => a.data),
    answerCount: r.answers.length,
    latencyMs: r.outcome === 'timeout' ? libcTimeoutMs : r.latencyMs,
    server,
  };
}

function stubQuery(r: DnsQueryResult, server: string, atMs: number, libcTimeoutMs: number): StubQuery {
  const q: StubQuery = {
    qname: r.qname,
    qtype: r.qtype,
    server,
    atMs: Math.round(atMs),
    outcome: r.outcome,
    answers: r.answers.map((a) => a.data),
    latencyMs: r.outcome === 'timeout' ? libcTimeoutMs : r.latencyMs,
  };
  if (r.rcode !== undefined) q.rcode = r.rcode;
  // musl keeps a truncated UDP reply as it is; glibc's TCP retry is recorded as the exchange.
  if (r.tc || (r as StubResult).afterTruncation) q.truncated = true;
  if (r.transport === 'tcp') q.transport = 'tcp';
  return q;
}

/** A query result as the stub saw it: a TCP exchange may be the retry of a truncated UDP reply. */
type StubResult = DnsQueryResult & { afterTruncation?: boolean };

async function askOn(channel: UdpChannel, step: ExchangeStep, qtype: RecordType, server: string, waitMs: number, ctx: ExecContext): Promise<DnsQueryResult> {
  const base = { server: { ip: server, port: 53 }, qname: step.qname, qtype, transport: 'udp' as const };
  const id = ctx.ids.get(qtype);
  const a = await channel.ask({ name: step.qname, type: qtype }, { timeoutMs: waitMs, tries: 1, edns: step.edns, ...(step.ad ? { ad: true } : {}), ...(id !== undefined ? { id } : {}) });
  ctx.ids.set(qtype, channel.lastIds.get(qtype)!);
  // glibc re-asks a truncated reply over TCP.
  if (a.kind === 'answer' && a.packet?.flag_tc) {
    const r: StubResult = await viaTcp(step, qtype, server, waitMs, ctx);
    r.afterTruncation = true;
    return r;
  }
  return channelResult(base, a);
}

async function viaTcp(step: ExchangeStep, qtype: RecordType, server: string, waitMs: number, ctx: ExecContext): Promise<DnsQueryResult> {
  const a = await tcpExchange(ctx.network.dial(server, 53, 'tcp', ctx.sourceIp), ctx.bindHost, { name: step.qname, type: qtype }, { timeoutMs: waitMs, edns: step.edns, ...(step.ad ? { ad: true } : {}) });
  return channelResult({ server: { ip: server, port: 53 }, qname: step.qname, qtype, transport: 'tcp' }, a);
}

async function openChannel(server: string, ctx: ExecContext): Promise<UdpChannel | ChannelAnswer> {
  const ch = new UdpChannel(ctx.network.dial(server, 53, 'udp', ctx.sourceIp), ctx.bindHost);
  try {
    await ch.open();
    return ch;
  } catch (err) {
    return { kind: 'error', latencyMs: 0, tries: 0, error: (err as Error).message };
  }
}

/** One glibc try: one server, A and AAAA on one socket, sequentially, or on separate sockets. */
async function glibcTry(step: ExchangeStep, ctx: ExecContext): Promise<{ results: FamilyResult[]; sent: StubQuery[] }> {
  const server = step.servers[0]!;
  const waitMs = realWait(step.timeoutMs, ctx);
  const results: DnsQueryResult[] = [];
  const at: number[] = [];
  const fail = (qtype: RecordType, a: ChannelAnswer): DnsQueryResult => channelResult({ server: { ip: server, port: 53 }, qname: step.qname, qtype, transport: 'udp' }, a);

  if (step.transport === 'tcp') {
    results.push(...(await Promise.all(step.families.map((f) => viaTcp(step, f, server, waitMs, ctx)))));
    at.push(...step.families.map(() => step.atMs));
  } else if (step.mode === 'separate') {
    const each = await Promise.all(
      step.families.map(async (f) => {
        const ch = await channelFor(ctx, step, server, `separate-${f}`);
        if (!(ch instanceof UdpChannel)) return fail(f, ch);
        return askOn(ch, step, f, server, waitMs, ctx);
      }),
    );
    results.push(...each);
    at.push(...step.families.map(() => step.atMs));
  } else {
    const ch = await channelFor(ctx, step, server, 'shared');
    if (!(ch instanceof UdpChannel)) {
      results.push(...step.families.map((f) => fail(f, ch)));
      at.push(...step.families.map(() => step.atMs));
    } else if (step.mode === 'shared') {
      results.push(...(await Promise.all(step.families.map((f) => askOn(ch, step, f, server, waitMs, ctx)))));
      at.push(...step.families.map(() => step.atMs));
    } else {
      // single-request: the next family only after the previous one was answered.
      let clock = step.atMs;
      for (const f of step.families) {
        const r = await askOn(ch, step, f, server, waitMs, ctx);
        results.push(r);
        at.push(clock);
        if (r.outcome !== 'answer') break;
        clock += r.latencyMs;
      }
    }
  }
  const sent = results.map((r, i) => stubQuery(r, server, at[i]!, step.timeoutMs));
  const familyResults = step.families.map((f) => {
    const r = results.find((x) => x.qtype === f);
    // A family never sent (single-request after a lost first half) counts as unanswered.
    return r ? toFamilyResult(r, server, step.timeoutMs) : { qtype: f, outcome: 'timeout' as const, addresses: [], answerCount: 0, latencyMs: step.timeoutMs };
  });
  return { results: familyResults, sent };
}

