/**
 * The chaos soak at full size (test/chaos/soak.ts): 300 diagnoses and 50 approvals (each rolled
 * back) over three worker processes and the lab, a random worker SIGKILLed every 4 s, Redis (AOF)
 * killed and restarted once. Writes bench/results/chaos.json: the counts that must be 0 (`lost`,
 * `duplicates`, `doubleApplies`), the recovery times of the killed workers' jobs (`recoveryMs`:
 * until handed back; `resumedMs`: until running on another worker), the load average, and what
 * was run, and what became of every approval asked for (`approvals`: applied, refused by reason,
 * expired, not clicked, unaccounted; `approvalsApplied` is the applied count). Exits 1 when a count
 * that must be 0 is not. Smaller runs: BENCH_CHAOS_DIAGNOSES, BENCH_CHAOS_APPROVALS.
 * Run: npx tsx bench/chaos.bench.ts (the same soak as a test: DNSWHY_CHAOS_FULL=1 npx vitest run test/chaos)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runSoak, type SoakOptions } from '../test/chaos/soak.js';

const options: SoakOptions = {
  diagnoses: Number(process.env.BENCH_CHAOS_DIAGNOSES ?? 300),
  approvals: Number(process.env.BENCH_CHAOS_APPROVALS ?? 50),
  rollBack: true,
  workers: 3,
  killEveryMs: 4000,
  deadlineMs: 60 * 60_000,
  log: (l) => process.stderr.write(`[chaos] ${l}\n`),
};
const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
const r = await runSoak(options);
const { log: _log, ...shown } = options;
const out = {
  bench: 'chaos',
  date: new Date().toISOString(),
  node: process.version,
  options: shown,
  lost: r.lost,
  duplicates: r.duplicates,
  doubleApplies: r.doubleApplies,
  recoveryMs: r.recoveryMs,
  resumedMs: r.resumedMs,
  answered: r.diagnoses,
  approvalsApplied: r.approvalAccount.applied,
  rollbacks: r.rollbacks,
  approvals: r.approvalAccount,
  kills: r.kills,
  redisRestarts: r.redisRestarts,
  failedDiagnoses: r.failedDiagnoses,
  durationMs: r.durationMs,
  loadAverageBefore: loadBefore,
  loadAverage: r.loadAverage,
  lostDetail: r.lostDetail,
  duplicateDetail: r.duplicateDetail,
  doubleApplyDetail: r.doubleApplyDetail,
  failedDetail: r.failedDetail,
};
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, 'results', 'chaos.json'), JSON.stringify(out, null, 2) + '\n');
console.log(JSON.stringify({ ...out, recoveryMs: { ...r.recoveryMs, all: undefined } }));
process.exitCode = r.lost === 0 && r.duplicates === 0 && r.doubleApplies === 0 && r.approvalAccount.unaccounted === 0 ? 0 : 1;
