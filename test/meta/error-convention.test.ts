/**
 * Every error class in src and jobs follows the convention of src/core/errors.ts (a stable `code`
 * and `permanent`), so retry policy never has to guess from a class name. The few classes that
 * extend Error directly are listed with the reason they never reach a caller outside their module.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot as root, sourceFiles } from '../helpers/import-graph.js';

/** Classes allowed to extend Error directly: each is caught inside the file (or folder) that throws it. */
const internal: Record<string, string> = {
  DnswhyError: 'the base class itself',
  GoError: 'Go-style argument errors, turned into diagnostics by src/core/corefile/validate.ts',
  ExprError: 'view expression errors, turned into a result by the expression evaluator',
  RuleError: 'rewrite rule errors, turned into diagnostics by the rewrite validator',
  SlackApiError: "the Slack emulator's own error, turned into an ok:false response",
};

/** Classes declared `extends Error` (directly) in a source text. */
export function directErrorClasses(text: string): string[] {
  return [...text.matchAll(/\bclass\s+(\w+)\s+extends\s+Error\b/g)].map((m) => m[1]!);
}

describe('error convention', () => {
  it('finds classes that extend Error directly (the scanner itself can fail)', () => {
    expect(directErrorClasses('export class A extends Error {}\nclass B extends DnswhyError {}\nclass C extends Error{')).toEqual(['A', 'C']);
  });

  it('every other error class extends DnswhyError (or a subclass of it)', () => {
    const problems: string[] = [];
    for (const dir of ['src', 'jobs']) {
      for (const file of sourceFiles(join(root, dir))) {
        for (const cls of directErrorClasses(readFileSync(file, 'utf8'))) {
          if (!(cls in internal)) problems.push(`${relative(root, file)}: class ${cls} extends Error; extend DnswhyError (src/core/errors.ts) and declare code and permanent`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
