/**
 * Builds one vitest case per `expect` entry of the given scenario files: the case runs the real
 * diagnosis in a fresh in-process lab (real kubectl-compatible API, real DNS packets on loopback) and
 * fails with the expectation's problems in words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { testScenarioFile } from '../../src/lab/expectations/lab-expectations.js';

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
    }, 180_000);
  }
}
