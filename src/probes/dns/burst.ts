/**
 * A bounded burst of identical queries to one DNS server: latency histogram, percentiles, timeouts,
 * retries, queries per second. It retries like libc (re-send after the per-try timeout), so a lost
 * UDP datagram shows up as an answer at ≈ the timeout: the 5 s signature of conntrack races and
 * lossy paths. Waits can be scaled down (timeoutScale); latencies are reported libc-equivalent.
 *
 * Lost or only late? A retry re-sends the same datagram with the same id, so one answer cannot tell
 * which try it answers. A second answer can: when a retried (or timed-out) query gets another answer
 * afterwards, its first try was answered too, only later than the wait, so nothing was lost. Those
 * queries are counted in `late`: a slow server (a busy node, a slow upstream behind CoreDNS) is not
 * the packet loss of a conntrack race, whose dropped datagram is never answered.
 *
 * Built for throughput: connected sockets opened once and reused for every query (no socket per
 * query; `sockets: 1` shares one among all slots, the fastest setting); the query is encoded once
 * per slot and only its id changes; ids are unique among queries in flight;
 * replies are checked on the header and the raw question bytes (no full decode); new queries are
 * sent in one batch per event-loop turn (measured: 13.9 → 10.5 µs of CPU per query, because the
 * server then answers in batches and each wake-up reads several datagrams); one sweep timer
 * handles every deadline.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { BurstEvidence, EvidenceOrigin, ResolverRole } from '../../core/model/evidence.js';
import { rcodeName, type RecordType } from '../../core/model/dns.js';
import { type NetworkPosition, directNetwork } from '../../core/network-position.js';
import { encodeQuery } from './wire.js';

/**
 * Upper bounds (ms) of the latency histogram buckets, per bucket (not cumulative). An answer that
 * needed one retry after glibc's 5 s timeout lands in the 10000 bucket; the last (+Inf) bucket
 * holds only the queries that never got an answer (so it is null once serialised to JSON).
 */
export const burstBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, Infinity] as const;

/** How to run a burst. */
export interface BurstOptions {
  network?: NetworkPosition;
  sourceIp?: string;
  /** Queries in total (default 200). Ignored when durationMs is set. */
  count?: number;
  /** Queries in flight at once (default 20). */
  concurrency?: number;
  /** Send for this long instead of a fixed count (benchmarks). */
  durationMs?: number;
  /** libc's per-try timeout (default 5000 ms, glibc's). */
  tryTimeoutMs?: number;
  /** Multiplies the real per-try wait (default 1). */
  timeoutScale?: number;
  /** Sends per query before it counts as a timeout (default 2, glibc's attempts). */
  tries?: number;
  /**
   * Send no more queries once one has waited out all its tries while nothing at all was answered
   * (default false): the target is dead (a lossy one answers most queries within milliseconds,
   * long before the first timeout), and the rest of the burst would only wait out the same timeouts
   * again (200 queries at 20 in flight × 2 tries of 500 ms is 10 s). The queries already in flight
   * still finish, so `count` is then the first window's size.
   */
  stopWhenDead?: boolean;
  /** Send an EDNS0 OPT record (default false, like glibc). */
  edns?: boolean;
  /**
   * UDP sockets the in-flight slots share (default: one per slot, so each slot is its own client
   * with its own source port and conntrack entry, like separate application lookups). One shared
   * socket reads more datagrams per event-loop wake-up and is faster (the benchmark's setting),
   * but ICMP refusals are then not reliably reported and count as timeouts.
   */
  sockets?: number;
}

/** BurstEvidence without the EvidenceBase fields and the target's role. */
export type BurstResult = Omit<BurstEvidence, 'id' | 'from' | 'at' | 'ms' | 'kind' | 'target'> & {
  target: { ip: string; port: number };
  /** Real wall time of the burst. */
  elapsedMs: number;
  /** Replies by rcode. */
  rcodes: Record<string, number>;
  /** Real per-try wait used. */
  tryWaitMs: number;
};

/**
 * How long the burst waits at its end for the second answers of re-sent queries still unmatched.
 * Once some query of this burst has been seen answered late, the server is slow and the others'
 * second answers come up to one wait after their first (the retry left one wait after the first
 * try): wait that long, plus a margin. Otherwise (no late answer yet: loss, or nothing re-sent) only
 * a short moment, so a burst over a lossy path is not made longer.
 */
function lateGraceMs(lateSoFar: number, wait: number): number {
  return lateSoFar > 0 ? Math.min(wait * 1.5, 3000) : Math.min(wait, 100);
}

interface Slot {
  index: number;
  socket: Socket;
  buf: Buffer;
  id: number;
  active: boolean;
  firstSent: number;
  deadline: number;
  tries: number;
}

/** Compares the reply's question bytes with ours, ASCII case-insensitively (0x20-bit randomisation safe). */
function sameQuestion(msg: Buffer, q: Buffer): boolean {
  if (msg.length < 12 + q.length) return false;
  for (let i = 0; i < q.length; i++) {
    let a = msg[12 + i]!;
    let b = q[i]!;
    if (a >= 0x41 && a <= 0x5a) a |= 0x20;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (a !== b) return false;
  }
  return true;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 100) / 100;
}

/** Runs the burst against `server` (a cluster address; port 53 by default). Never rejects for network trouble. */
export async function runBurst(server: { ip: string; port?: number }, qname: string, qtype: RecordType, opts: BurstOptions = {}): Promise<BurstResult> {
  const network = opts.network ?? directNetwork;
  const port = server.port ?? 53;
  const dest = network.dial(server.ip, port, 'udp', opts.sourceIp);
  const bind = network.bindAddress(opts.sourceIp);
  const byDuration = opts.durationMs !== undefined;
  const count = byDuration ? Number.POSITIVE_INFINITY : Math.max(1, opts.count ?? 200);
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 20, Number.isFinite(count) ? count : Number.MAX_SAFE_INTEGER));
  const libcTry = opts.tryTimeoutMs ?? 5000;
  const wait = Math.max(1, libcTry * (opts.timeoutScale ?? 1));
  const maxTries = Math.max(1, opts.tries ?? 2);
  const template = encodeQuery(0, { name: qname, type: qtype }, { edns: opts.edns === true });
  const question = template.subarray(12, template.length - (opts.edns === true ? 11 : 0));

  let latencies = new Float64Array(Number.isFinite(count) ? count : 65536);
  let done = 0;
  let issued = 0;
  let ok = 0;
  let timeouts = 0;
  let errors = 0;
  let retried = 0;
  let late = 0;
  const rcodes: Record<string, number> = {};
  const started = performance.now();
  const stopAt = byDuration ? started + opts.durationMs! : Number.POSITIVE_INFINITY;

  const record = (ms: number): void => {
    if (done >= latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[done++] = ms;
  };

  const slots: Slot[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const dead = (): boolean => opts.stopWhenDead === true && ok + errors === 0 && timeouts > 0;
  const issue = (s: Slot, now: number): void => {
    if (issued >= count || now >= stopAt || dead()) {
      s.active = false;
      if (slots.every((x) => !x.active)) finish();
      return;
    }
    issued++;
    let id = (Math.random() * 65536) | 0;
    while (owner[id] !== -1 || lingerUntil[id]! > now) id = (id + 1) & 0xffff;
    owner[id] = s.index;
    s.id = id;
    s.buf.writeUInt16BE(id, 0);
    s.tries = 1;
    s.active = true;
    s.firstSent = now;
    s.deadline = now + wait;
    // Sends are flushed together after the event loop has read every reply that is waiting: the
    // server then answers in batches, and each wake-up here reads several datagrams.
    toSend.push(s);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const toSend: Slot[] = [];
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    for (const s of toSend) s.socket.send(s.buf);
    toSend.length = 0;
  };

  const complete = (s: Slot, kind: 'ok' | 'error' | 'timeout', now: number): void => {
    owner[s.id] = -1;
    const real = now - s.firstSent;
    // libc-equivalent: each retry would have waited the unscaled timeout.
    const equivalent = real + (s.tries - 1) * (libcTry - wait);
    if (kind === 'timeout') timeouts++;
    else {
      if (kind === 'ok') ok++;
      else errors++;
      if (s.tries > 1) retried++;
      record(equivalent);
    }
    // A query that was re-sent may still get its other answer: keep its id out of use meanwhile.
    if (s.tries > 1) {
      lingerUntil[s.id] = now + 2 * wait;
      lingering.add(s.id);
    }
    issue(s, now);
  };

  const onMessage = (msg: Buffer): void => {
    if (msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    const index = owner[id]!;
    if (index < 0) {
      // The other answer of a query that was re-sent: its first try was answered after all, late.
      if (lingerUntil[id]! > performance.now() && (msg[2]! & 0x80) !== 0 && sameQuestion(msg, question)) {
        lingerUntil[id] = 0;
        lingering.delete(id);
        late++;
        if (lingering.size === 0) graceOver();
      }
      return;
    }
    const s = slots[index]!;
    if (!s.active || s.id !== id || (msg[2]! & 0x80) === 0 || msg.readUInt16BE(4) !== 1 || !sameQuestion(msg, question)) return;
    const rcode = msg[3]! & 0x0f;
    const name = rcodeName(rcode);
    rcodes[name] = (rcodes[name] ?? 0) + 1;
    complete(s, rcode === 0 || rcode === 3 ? 'ok' : 'error', performance.now());
  };

  const owner = new Int32Array(65536).fill(-1);
  /** Until when (performance.now) an id whose query was re-sent waits for its other answer. */
  const lingerUntil = new Float64Array(65536);
  const lingering = new Set<number>();
  let graceOver: () => void = () => undefined;
  const socketCount = Math.max(1, Math.min(opts.sockets ?? concurrency, concurrency));
  const sockets: Socket[] = [];
  for (let i = 0; i < socketCount; i++) {
    const socket = createSocket(dest.host.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', onMessage);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // An ICMP error on a shared socket cannot be tied to one query: it fails those in flight on it.
      const key = err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? 'error');
      for (const s of slots) {
        if (!s.active || s.socket !== socket) continue;
        rcodes[key] = (rcodes[key] ?? 0) + 1;
        complete(s, 'error', performance.now());
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      const connectNow = (): void =>
        socket.connect(dest.port, dest.host, () => {
          socket.off('error', reject);
          resolve();
        });
      if (bind) socket.bind({ address: bind, port: 0 }, connectNow);
      else connectNow();
    }).catch((err: Error) => {
      for (const open of sockets) open.close();
      socket.close();
      throw new Error(`burst: cannot open a UDP socket to ${dest.host}:${dest.port}: ${err.message}`);
    });
    sockets.push(socket);
  }
  for (let i = 0; i < concurrency; i++) {
    slots.push({ index: i, socket: sockets[i % socketCount]!, buf: Buffer.from(template), id: 0, active: false, firstSent: 0, deadline: 0, tries: 0 });
  }

  const tick = Math.max(5, Math.min(50, wait / 10));
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const s of slots) {
      if (!s.active || now < s.deadline) continue;
      if (s.tries < maxTries) {
        s.tries++;
        s.deadline = now + wait;
        s.socket.send(s.buf);
      } else complete(s, 'timeout', now);
    }
  }, tick);

  for (const s of slots) issue(s, performance.now());
  await finished;
  const endedAt = performance.now();
  for (const id of lingering) if (lingerUntil[id]! <= endedAt) lingering.delete(id);
  if (lingering.size > 0) {
    // Re-sent queries still without their other answer: give late answers a short moment.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, lateGraceMs(late, wait));
      graceOver = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  clearInterval(sweep);
  const elapsedMs = performance.now() - started;
  for (const socket of sockets) socket.close();

  const answered = latencies.slice(0, done).sort();
  // Timeouts count at what libc waited in total; they fill the last (+Inf) bucket.
  const all = new Float64Array(done + timeouts);
  all.set(answered);
  all.fill(maxTries * libcTry, done);
  all.sort();
  const histogram = burstBuckets.map((leMs) => ({ leMs, count: 0 }));
  for (const v of answered) (histogram.find((h) => v <= h.leMs) ?? histogram[histogram.length - 1]!).count++;
  histogram[histogram.length - 1]!.count += timeouts;
  const total = done + timeouts;
  return {
    target: { ip: server.ip, port },
    qname,
    qtype,
    count: total,
    concurrency,
    ok,
    timeouts,
    errors,
    retried,
    late,
    histogram,
    p50Ms: percentile(all, 50),
    p90Ms: percentile(all, 90),
    p99Ms: percentile(all, 99),
    maxMs: total > 0 ? Math.round(all[total - 1]! * 100) / 100 : 0,
    qps: elapsedMs > 0 ? Math.round((total / elapsedMs) * 1000) : 0,
    elapsedMs: Math.round(elapsedMs),
    rcodes,
    tryWaitMs: wait,
  };
}

/** The BurstEvidence item for a result. */
export function toBurstEvidence(r: BurstResult, meta: { id: string; from: EvidenceOrigin; at: string; role: ResolverRole; label?: string }): BurstEvidence {
  return {
    id: meta.id,
    kind: 'burst',
    from: meta.from,
    at: meta.at,
    ms: r.elapsedMs,
    target: { ...r.target, role: meta.role, ...(meta.label !== undefined ? { label: meta.label } : {}) },
    qname: r.qname,
    qtype: r.qtype,
    count: r.count,
    concurrency: r.concurrency,
    ok: r.ok,
    timeouts: r.timeouts,
    errors: r.errors,
    retried: r.retried,
    late: r.late,
    histogram: r.histogram,
    p50Ms: r.p50Ms,
    p90Ms: r.p90Ms,
    p99Ms: r.p99Ms,
    maxMs: r.maxMs,
    qps: r.qps,
  };
}
