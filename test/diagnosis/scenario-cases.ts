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

export function scenarioCases(files: string[]): void {
  for (const rel of files) {
    const file = join(repoRoot, rel);
    const count = (parse(readFileSync(file, 'utf8')) as { expect?: unknown[] }).expect?.length ?? 0;
    it(`${rel}: all ${count} expectations hold`, async () => {
      const outcome = await testScenarioFile(file, { burst: { count: 100, concurrency: 20 } });
      expect(outcome.expectations).toHaveLength(count);
      const problems = outcome.expectations.flatMap((e) => e.problems.map((p) => `why ${e.pod} ${e.name}: ${p}`));
      expect(problems).toEqual([]);
      // The Slack thread of every report the scenario produced keeps the report rules.
      for (const e of outcome.expectations) {
        if (e.report) expectThreadRules(e.report, `${rel}: why ${e.pod} ${e.name}`);
        if (e.applied) expectThreadRules(e.applied.rerun, `${rel}: why ${e.pod} ${e.name} after the fix`);
      }
    }, 180_000);
  }
}
