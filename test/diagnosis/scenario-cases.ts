/**
 * Builds one vitest case per scenario file: the case runs the real diagnosis of each `expect` entry
 * in a fresh in-process lab (real kubectl-compatible API, real DNS packets on loopback), fails with
 * the expectation's problems in words, and checks the Slack thread of every report it produced
 * (first-screen budget, one recommended fix per cause, no button on info findings, each change
 * shown once, links that are URLs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { testScenarioFile } from '../../src/lab/expectations/lab-expectations.js';
import { expectThreadRules } from '../slack/helpers/thread-rules.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** At most this many labs run at once when cases run concurrently (each lab is a handful of sockets and timers). */
const parallelLabs = 3;

function limiter(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * One case per scenario file. With `concurrent`, up to three scenario files run at the same time (each in
 * its own labs on its own loopback addresses): the case corpus is large, and most of a case's time is
 * spent waiting on timeouts, not on the CPU.
 */
export function scenarioCases(files: string[], opts: { concurrent?: boolean } = {}): void {
  const slot = limiter(opts.concurrent ? parallelLabs : 1);
  const define = opts.concurrent ? it.concurrent : it;
  for (const rel of files) {
    const file = join(repoRoot, rel);
    const count = (parse(readFileSync(file, 'utf8')) as { expect?: unknown[] }).expect?.length ?? 0;
    define(`${rel}: all ${count} expectations hold`, async () => {
      const outcome = await slot(() => testScenarioFile(file, { burst: { count: 100, concurrency: 20 } }));
      expect(outcome.expectations).toHaveLength(count);
      const problems = outcome.expectations.flatMap((e) => e.problems.map((p) => `why ${e.pod} ${e.name}: ${p}`));
      expect(problems).toEqual([]);
      // The Slack thread of every report the scenario produced keeps the report rules.
      for (const e of outcome.expectations) {
        if (e.report) expectThreadRules(e.report, `${rel}: why ${e.pod} ${e.name}`);
        if (e.applied) expectThreadRules(e.applied.rerun, `${rel}: why ${e.pod} ${e.name} after the fix`);
      }
    }, 300_000);
  }
}
