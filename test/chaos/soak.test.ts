/**
 * The chaos soak (see soak.ts): real redis-server with AOF, three worker processes over the lab,
 * workers SIGKILLed every few seconds, Redis killed and restarted once. CI runs a short share;
 * DNSWHY_CHAOS_FULL=1 runs 300 diagnoses and 50 approvals. The figures (recovery times, load) are
 * written by the benchmark that runs the same soak: `npx tsx bench/chaos.bench.ts`.
 */
import { describe, expect, it } from 'vitest';
import { runSoak, type SoakOptions } from './soak.js';

const full = process.env.DNSWHY_CHAOS_FULL === '1';
const options: SoakOptions = full
  ? { diagnoses: 300, approvals: 50, rollBack: true, workers: 3, killEveryMs: 4000, deadlineMs: 60 * 60_000 }
  : // The CI share: its fix is applied but not rolled back (the rollback's verification run would double its time).
    // On a quiet machine five diagnoses finish in a few seconds, so kills come every 1.5 s to land inside the run.
    { diagnoses: 5, approvals: 1, rollBack: false, workers: 3, killEveryMs: 1500, deadlineMs: 100_000 };

describe('chaos soak (real redis-server with AOF, 3 worker processes over the lab, Slack emulator)', () => {
  it(`${options.diagnoses} diagnoses and ${options.approvals} approvals while workers are SIGKILLed every ${options.killEveryMs / 1000} s and Redis restarts once: nothing lost, nothing doubled`, { timeout: options.deadlineMs + 60_000 }, async () => {
    const r = await runSoak({ ...options, ...(process.env.DNSWHY_SOAK_LOG ? { log: (l: string) => console.log(`[soak] ${l}`) } : {}) });
    if (process.env.DNSWHY_SOAK_LOG) console.log(JSON.stringify({ ...r, recoveryMs: { ...r.recoveryMs, all: undefined } }));
    expect(r.lostDetail).toEqual([]);
    expect(r.duplicateDetail).toEqual([]);
    expect(r.doubleApplyDetail).toEqual([]);
    expect(r.doubleApplies).toBe(0);
    expect(r.diagnoses).toBe(options.diagnoses);
    expect(r.kills).toBeGreaterThan(0);
    expect(r.redisRestarts).toBe(1);
    // Every approval asked for was clicked and ended applied, refused (with the reason its thread
    // gives) or expired; none vanished.
    expect(r.approvalAccount.unaccounted).toBe(0);
    expect(r.approvalAccount.clicked).toBe(options.approvals);
    expect(r.approvalAccount.applied + Object.values(r.approvalAccount.refused).reduce((x, y) => x + y, 0) + r.approvalAccount.expired).toBe(options.approvals);
    expect(r.approvalAccount.applied).toBeGreaterThan(0);
    // Recovery is measured, not asserted as a timing (bench/results/chaos.json has it); that every
    // job a killed worker held ran again is part of lostDetail.
  });
});
