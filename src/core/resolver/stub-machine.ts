/**
 * The stub resolver as a pure state machine: it says which query to send next and, given what came
 * back, what happens after. The I/O part (src/probes/dns/stub-resolver.ts) performs the steps.
 *
 * glibc (resolv/res_query.c __res_context_search, res_send.c, measured with real getent):
 * - per name: attempts × nameservers tries, each waiting the per-try timeout (later servers wait
 *   (timeout << i) / nscount); `rotate` moves the first server per query.
 * - a reply with SERVFAIL, NOTIMP or REFUSED, a timeout or an ICMP refusal → the next server (over
 *   TCP, `use-vc`, any reply is the answer: glibc does not try the next server after REFUSED).
 * - NXDOMAIN or NODATA → the next search candidate; SERVFAIL on every server → next candidate too.
 * - a timeout (or REFUSED everywhere) while walking the search list abandons the list: only the
 *   bare name is tried next. All servers refusing connections ends the lookup.
 * - A and AAAA go in parallel on one socket; if only one half is answered the pair is re-sent once,
 *   then glibc switches to separate sockets for the rest of the lookup (single-request-reopen).
 *   single-request sends A then AAAA; a lost half switches it to separate sockets as well.
 * musl (src/network/res_msend.c, lookup_name.c): each candidate goes to all nameservers at once,
 * re-sent every timeout/attempts; the first NOERROR/NXDOMAIN reply wins, REFUSED is ignored,
 * NXDOMAIN moves to the next candidate, anything else (no reply, SERVFAIL, NODATA) ends the lookup.
 */
import type { ExchangeOutcome, LookupFailure, Rcode, RecordType } from '../model/dns.js';
import { candidateNames, countDots } from './candidate-names.js';
import { type Libc, type ResolvConf, effectiveOptions, usableNameservers } from './resolv-conf.js';

/** How the A and AAAA queries of one try travel. */
export type SocketMode = 'shared' | 'sequential' | 'separate';

/** One try to send (glibc: to one server; musl: to every server, re-sent each interval). */
export interface ExchangeStep {
  kind: 'exchange';
  libc: Libc;
  qname: string;
  candidateIndex: number;
  /** glibc: one server; musl: all of them in parallel. */
  servers: string[];
  families: RecordType[];
  mode: SocketMode;
  transport: 'udp' | 'tcp';
  /** Send an EDNS0 OPT record (glibc `options edns0`). */
  edns: boolean;
  /** Set the AD bit (glibc `options trust-ad`). */
  ad?: boolean;
  /** libc's wait for this try, in ms (musl: the whole candidate). */
  timeoutMs: number;
  /** musl only: re-send interval (timeout / attempts). */
  retryIntervalMs?: number;
  /** libc-equivalent clock when this try starts. */
  atMs: number;
}

/** What the whole lookup ended with. */
export interface StubOutcome {
  ok: boolean;
  addresses: string[];
  error?: LookupFailure;
  finalName?: string;
  answeredBy?: string;
  /** libc-equivalent total time in ms. */
  totalMs: number;
}

export type StubStep = ExchangeStep | { kind: 'done'; outcome: StubOutcome };

/** What one family's query got in a try. */
export interface FamilyResult {
  qtype: RecordType;
  outcome: ExchangeOutcome;
  rcode?: Rcode;
  /** Addresses (A/AAAA data) in the answer. */
  addresses: string[];
  /** Number of answer records of any type (a CNAME without address still counts for NODATA). */
  answerCount: number;
  latencyMs: number;
  /** Server that gave this result (musl: the one that won). */
  server?: string;
}

/** A stub-resolver state machine. Call next(), perform the exchange, observe(), repeat until done. */
export interface StubMachine {
  next(): StubStep;
  observe(results: FamilyResult[]): void;
}

const serverFailure = new Set(['SERVFAIL', 'NOTIMP', 'REFUSED']);

/** Per-try timeout glibc's send_dg uses for nameserver index i (seconds, at least 1). */
export function glibcTryTimeoutSeconds(timeout: number, serverIndex: number, serverCount: number): number {
  let seconds = timeout * 2 ** serverIndex;
  if (serverIndex > 0) seconds = Math.floor(seconds / serverCount);
  return Math.max(1, seconds);
}

/** Creates the machine for one lookup. */
export function createStubMachine(name: string, conf: ResolvConf, libc: Libc, families: RecordType[] = ['A', 'AAAA']): StubMachine {
  return libc === 'glibc' ? new GlibcMachine(name, conf, families) : new MuslMachine(name, conf, families);
}

function isGood(r: FamilyResult): boolean {
  return r.outcome === 'answer' && !serverFailure.has(r.rcode ?? 'NOERROR');
}

/** What one search candidate came to; `final` ends the walk down the search list. */
type CandidateResult = { ok: true; addresses: string[] } | { ok: false; error: LookupFailure; final?: boolean };

/** Classifies accepted replies the way __res_context_query does for an A/AAAA pair. */
function classifyAccepted(good: FamilyResult[]): CandidateResult {
  if (good.some((r) => (r.rcode ?? 'NOERROR') === 'NOERROR' && r.answerCount > 0)) {
    const addresses = good.flatMap((r) => r.addresses);
    if (addresses.length > 0) return { ok: true, addresses };
    // A CNAME chain without address records (an ExternalName Service whose target is gone): the
    // reply has answers, so __res_context_query hands it back and res_search stops here instead of
    // trying the next search name; the caller then finds no address (measured with real getent).
    return { ok: false, error: 'NODATA', final: true };
  }
  const first = good[0]!;
  const rcode = (first.rcode ?? 'NOERROR') === 'NOERROR' ? (good[1]?.rcode ?? 'NOERROR') : first.rcode!;
  if (rcode === 'NXDOMAIN') return { ok: false, error: 'NXDOMAIN' };
  if (rcode === 'NOERROR') return { ok: false, error: 'NODATA' };
  return { ok: false, error: rcode };
}

/** The one exchange a machine has asked for and not yet been told the result of. */
abstract class ExchangeHolder {
  protected pending: ExchangeStep | undefined;

  /** The pending exchange, now answered; observing without one is a caller's bug. */
  protected takePending(): ExchangeStep {
    const step = this.pending;
    if (!step) throw new Error('observe() called without a pending exchange');
    this.pending = undefined;
    return step;
  }
}

class GlibcMachine extends ExchangeHolder implements StubMachine {
  private readonly candidates: string[];
  private readonly asIs: string;
  private readonly asIsFirst: boolean;
  private readonly trailingDot: boolean;
  private readonly servers: string[];
  private readonly opts;
  private readonly families: RecordType[];
  private clock = 0;
  private idx = 0;
  private triedAsIs = false;
  private savedError: LookupFailure | undefined;
  private gotNodata = false;
  private gotServfail = false;
  private lastError: LookupFailure = 'NXDOMAIN';
  /** Queries sent so far (rotate moves the first server per query). */
  private queryCount = 0;
  private mode: SocketMode;
  // per-candidate try state
  private attempt = 0;
  private shift = 0;
  private halfRetries = 0;
  private sawTimeout = false;
  private sawRefused = false;
  private lastBadRcode: string | undefined;
  private finished: StubOutcome | undefined;

  constructor(name: string, conf: ResolvConf, families: RecordType[]) {
    super();
    this.opts = effectiveOptions(conf, 'glibc');
    this.candidates = candidateNames(name, conf, 'glibc');
    this.trailingDot = name.endsWith('.');
    this.asIs = `${name.replace(/\.$/, '')}.`;
    this.asIsFirst = this.trailingDot || countDots(name) >= this.opts.ndots;
    this.servers = usableNameservers(conf);
    this.families = families;
    this.mode = this.opts.singleRequestReopen ? 'separate' : this.opts.singleRequest ? 'sequential' : 'shared';
    if (families.length < 2) this.mode = 'separate';
  }

  next(): StubStep {
    if (this.finished) return { kind: 'done', outcome: this.finished };
    if (!this.pending) {
      const qname = this.candidates[this.idx]!;
      const n = this.servers.length;
      const offset = this.opts.rotate ? this.queryCount % n : 0;
      const serverIndex = (this.shift + offset) % n;
      this.pending = {
        kind: 'exchange',
        libc: 'glibc',
        qname,
        candidateIndex: this.idx,
        servers: [this.servers[serverIndex]!],
        families: this.families,
        mode: this.mode,
        transport: this.opts.useVc ? 'tcp' : 'udp',
        edns: this.opts.edns0,
        ...(this.opts.trustAd ? { ad: true } : {}),
        timeoutMs: glibcTryTimeoutSeconds(this.opts.timeout, serverIndex, n) * 1000,
        atMs: this.clock,
      };
    }
    return this.pending;
  }

  observe(results: FamilyResult[]): void {
    const step = this.takePending();
    // Over TCP (use-vc) glibc takes whatever the server replies as the answer, SERVFAIL and REFUSED
    // included, and does not try the next server (send_vc; measured in docs/resolver-agreement.md).
    const good = results.filter((r) => isGood(r) || (step.transport === 'tcp' && r.outcome === 'answer'));
    const timedOut = results.filter((r) => r.outcome === 'timeout' || r.outcome === 'error');
    const waited = timedOut.length > 0 ? step.timeoutMs : Math.max(0, ...results.map((r) => r.latencyMs));

    if (good.length > 0 && timedOut.length > 0) {
      // Only one half of the pair came back.
      if (this.mode === 'shared' && this.halfRetries === 0) {
        this.halfRetries++;
        this.clock += step.timeoutMs;
        return;
      }
      if (this.mode !== 'separate') {
        this.mode = 'separate';
        this.halfRetries++;
        this.clock += step.timeoutMs;
        return;
      }
    }
    this.clock += waited;
    if (good.length > 0) {
      this.finishCandidate(classifyAccepted(good), step.servers[0]);
      return;
    }
    // No usable reply from this server: remember why, then the next server / attempt.
    for (const r of results) {
      if (r.outcome === 'timeout' || r.outcome === 'error') this.sawTimeout = true;
      if (r.outcome === 'answer') {
        this.lastBadRcode = r.rcode;
        if (r.rcode !== 'SERVFAIL') this.sawRefused = true;
      }
    }
    this.halfRetries = 0;
    this.shift++;
    if (this.shift >= this.servers.length) {
      this.shift = 0;
      this.attempt++;
    }
    if (this.attempt >= this.opts.attempts) {
      let error: LookupFailure;
      if (!this.sawTimeout && this.lastBadRcode === undefined) error = 'CONNREFUSED';
      else if (this.lastBadRcode === 'SERVFAIL') error = 'SERVFAIL';
      else if (this.sawRefused && !this.sawTimeout) error = this.lastBadRcode ?? 'REFUSED';
      else error = 'TIMEOUT';
      this.finishCandidate({ ok: false, error }, undefined);
    }
  }

  private finishCandidate(res: CandidateResult, server: string | undefined): void {
    const qname = this.candidates[this.idx]!;
    this.queryCount++;
    this.attempt = 0;
    this.shift = 0;
    this.halfRetries = 0;
    this.sawTimeout = false;
    this.sawRefused = false;
    this.lastBadRcode = undefined;
    if (res.ok) {
      this.finished = { ok: true, addresses: res.addresses, finalName: qname, answeredBy: server, totalMs: this.clock };
      return;
    }
    if (res.final) {
      this.finished = { ok: false, addresses: [], error: res.error, totalMs: this.clock };
      return;
    }
    const isAsIs = qname === this.asIs;
    this.lastError = res.error;
    if (isAsIs) {
      this.triedAsIs = true;
      if (this.asIsFirst && this.idx === 0) {
        this.savedError = res.error;
        if (this.trailingDot) return this.fail();
        if (res.error === 'CONNREFUSED') return this.fail();
        return this.advance();
      }
      return this.fail();
    }
    switch (res.error) {
      case 'NODATA':
        this.gotNodata = true;
        return this.advance();
      case 'NXDOMAIN':
        return this.advance();
      case 'SERVFAIL':
        this.gotServfail = true;
        return this.advance();
      case 'CONNREFUSED':
        return this.fail();
      default:
        // A timeout or a refusal ends the walk down the search list; glibc still tries the bare name.
        return this.jumpToAsIs();
    }
  }

  private advance(): void {
    this.idx++;
    if (this.idx >= this.candidates.length) return this.fail();
    if (this.candidates[this.idx] === this.asIs && this.triedAsIs) return this.advance();
  }

  private jumpToAsIs(): void {
    if (this.triedAsIs) return this.fail();
    const i = this.candidates.indexOf(this.asIs);
    if (i < 0) return this.fail();
    this.idx = i;
  }

  private fail(): void {
    let error: LookupFailure = this.lastError;
    if (this.savedError !== undefined) error = this.savedError;
    else if (this.gotNodata) error = 'NODATA';
    else if (this.gotServfail && error !== 'TIMEOUT' && error !== 'CONNREFUSED') error = 'SERVFAIL';
    this.finished = { ok: false, addresses: [], error, totalMs: this.clock };
  }
}

class MuslMachine extends ExchangeHolder implements StubMachine {
  private readonly candidates: string[];
  private readonly servers: string[];
  private readonly opts;
  private readonly families: RecordType[];
  private clock = 0;
  private idx = 0;
  private finished: StubOutcome | undefined;

  constructor(name: string, conf: ResolvConf, families: RecordType[]) {
    super();
    this.opts = effectiveOptions(conf, 'musl');
    this.candidates = candidateNames(name, conf, 'musl');
    this.servers = usableNameservers(conf);
    this.families = families;
  }

  next(): StubStep {
    if (this.finished) return { kind: 'done', outcome: this.finished };
    this.pending ??= {
      kind: 'exchange',
      libc: 'musl',
      qname: this.candidates[this.idx]!,
      candidateIndex: this.idx,
      servers: this.servers,
      families: this.families,
      mode: 'shared',
      transport: 'udp',
      edns: false,
      timeoutMs: this.opts.timeout * 1000,
      retryIntervalMs: Math.floor((this.opts.timeout * 1000) / this.opts.attempts),
      atMs: this.clock,
    };
    return this.pending;
  }

  observe(results: FamilyResult[]): void {
    const step = this.takePending();
    // musl accepts only NOERROR and NXDOMAIN; REFUSED and the like are ignored (it keeps waiting).
    const accepted = results.filter((r) => r.outcome === 'answer' && (r.rcode === 'NOERROR' || r.rcode === 'NXDOMAIN' || r.rcode === undefined));
    const missing = results.length - accepted.length;
    this.clock += missing > 0 ? step.timeoutMs : Math.max(0, ...results.map((r) => r.latencyMs));
    if (missing > 0) {
      const rcodes = results.map((r) => r.rcode).filter((r): r is string => r !== undefined);
      let error: LookupFailure = 'TIMEOUT';
      if (rcodes.includes('SERVFAIL')) error = 'SERVFAIL';
      else if (results.every((r) => r.outcome === 'answer')) error = rcodes.find((r) => r !== 'NOERROR' && r !== 'NXDOMAIN') ?? 'REFUSED';
      else if (results.every((r) => r.outcome === 'refused')) error = 'CONNREFUSED';
      this.finished = { ok: false, addresses: [], error, totalMs: this.clock };
      return;
    }
    if (accepted.some((r) => r.rcode === 'NXDOMAIN')) {
      this.idx++;
      if (this.idx >= this.candidates.length) this.finished = { ok: false, addresses: [], error: 'NXDOMAIN', totalMs: this.clock };
      return;
    }
    const addresses = accepted.flatMap((r) => r.addresses);
    this.finished =
      addresses.length > 0
        ? { ok: true, addresses, finalName: step.qname, answeredBy: accepted.find((r) => r.addresses.length > 0)?.server, totalMs: this.clock }
        : { ok: false, addresses: [], error: 'NODATA', totalMs: this.clock };
  }
}
