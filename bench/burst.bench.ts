/**
 * Burst probe throughput: queries per second of dnswhy's burst probe against a real unbound,
 * compared with dnsperf against the same unbound in the same run (goal: ratio ≥ 0.7).
 * Both keep the same number of queries outstanding (BENCH_INFLIGHT, default 100 = dnsperf's
 * default), one client, for BENCH_SECONDS each (default 2), alternating over BENCH_ROUNDS rounds
 * (default 3) so that load from other processes hits both alike; the ratio uses the medians.
 * The burst runs twice per round: with one shared socket (its fastest setting) and with its default
 * of one socket per in-flight slot. The machine's load average is recorded: on a busy 2-core box
 * the figures move a lot. Also records the default probe burst (200 at 20).
 * Writes bench/results/burst.json. Run: npx tsx bench/burst.bench.ts
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runBurst } from '../src/probes/dns/burst.js';
import { startUnbound } from '../test/probes/dns/helpers/unbound.js';

const run = promisify(execFile);
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const inFlight = Number(process.env.BENCH_INFLIGHT ?? 100);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const qname = 'api.default.svc.cluster.local';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
}

async function dnsperf(host: string, port: number, dataFile: string): Promise<{ qps: number; lost: number }> {
  const { stdout } = await run('dnsperf', ['-s', host, '-p', String(port), '-d', dataFile, '-l', String(seconds), '-q', String(inFlight), '-c', '1', '-T', '1'], { timeout: (seconds + 20) * 1000 });
  const qps = stdout.match(/Queries per second:\s+([\d.]+)/);
  const lost = stdout.match(/Queries lost:\s+(\d+)/);
  if (!qps) throw new Error(`dnsperf printed no "Queries per second" line:\n${stdout}`);
  return { qps: Math.round(Number(qps[1])), lost: Number(lost?.[1] ?? 0) };
}

async function main(): Promise<void> {
  const unbound = await startUnbound(['local-zone: "cluster.local." static', `local-data: "${qname}. 30 IN A 10.96.0.20"`]);
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-burst-bench-'));
  const dataFile = join(dir, 'names.txt');
  writeFileSync(dataFile, `${qname} A\n`);
  const target = { ip: unbound.host, port: unbound.port };
  try {
    // Warm-up: JIT and unbound's cache.
    await runBurst(target, qname, 'A', { durationMs: 500, concurrency: inFlight, tryTimeoutMs: 1000 });
    const ours: number[] = [];
    const perSlot: number[] = [];
    const theirs: number[] = [];
    let ourTimeouts = 0;
    let theirLost = 0;
    const load = [loadavg()[0]!];
    for (let i = 0; i < rounds; i++) {
      const r = await runBurst(target, qname, 'A', { durationMs: seconds * 1000, concurrency: inFlight, sockets: 1, tryTimeoutMs: 1000 });
      ours.push(r.qps);
      ourTimeouts += r.timeouts;
      const d = await dnsperf(unbound.host, unbound.port, dataFile);
      theirs.push(d.qps);
      theirLost += d.lost;
      const slotted = await runBurst(target, qname, 'A', { durationMs: seconds * 1000, concurrency: inFlight, tryTimeoutMs: 1000 });
      perSlot.push(slotted.qps);
      load.push(loadavg()[0]!);
      console.error(`round ${i + 1}: burst ${r.qps} qps (1 socket), ${slotted.qps} qps (socket per slot), dnsperf ${d.qps} qps`);
    }
    const probe = await runBurst(target, qname, 'A', { count: 200, concurrency: 20 });
    const ratio = Math.round((median(ours) / median(theirs)) * 100) / 100;
    const result = {
      bench: 'burst',
      date: new Date().toISOString(),
      resolver: 'unbound 1.17 (local-data, 1 thread), loopback',
      secondsPerRun: seconds,
      inFlight,
      rounds,
      loadAverage1m: load.map((x) => Math.round(x * 10) / 10),
      burstQps: ours,
      burstPerSlotSocketsQps: perSlot,
      dnsperfQps: theirs,
      burstQpsMedian: median(ours),
      burstPerSlotSocketsQpsMedian: median(perSlot),
      dnsperfQpsMedian: median(theirs),
      ratio,
      ratioPerSlotSockets: Math.round((median(perSlot) / median(theirs)) * 100) / 100,
      goal: 0.7,
      goalMet: ratio >= 0.7,
      burstTimeouts: ourTimeouts,
      dnsperfLost: theirLost,
      defaultProbeBurst: { count: probe.count, concurrency: probe.concurrency, qps: probe.qps, p50Ms: probe.p50Ms, p99Ms: probe.p99Ms, elapsedMs: probe.elapsedMs },
    };
    mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(join(import.meta.dirname, 'results', 'burst.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await unbound.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`burst bench failed: ${err.message}`);
  process.exitCode = 1;
});
