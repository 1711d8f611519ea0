/**
 * Code and docs cite only what a fresh clone has: no planning documents outside the repository, no
 * internal code names for parts of the tree, no paths on one machine. Facts worth keeping live in
 * docs/ (e.g. docs/coredns-semantics.md, docs/lab-scenario.md).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const self = relative(root, import.meta.filename);

/** What may not be cited, and why. */
const rules: { re: RegExp; why: string }[] = [
  { re: /\/work\/|DESIGN\.md|lab-notes|stack-notes|style\.md|interfaces\.md/, why: 'a document outside the repository' },
  { re: /(?<!docs\/)\b(coredns-semantics|lab-scenario)\.md/, why: 'name the file under docs/' },
  { re: /\b(SYNTAX|EVAL|LABDNS|LABAPI|KUBE|DNSPROBE)\b/, why: 'an internal code name; name the folder instead' },
  { re: /(?<!RFC \d{3,4} )§/, why: 'a section of a document outside the repository (RFC sections are fine)' },
];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      if (entry !== 'node_modules' && entry !== 'results') out.push(...files(p));
    } else if (/\.(ts|js|md|ya?ml|json)$/.test(entry) && !p.endsWith('corefile-corpus.json')) out.push(p);
  }
  return out;
}

/** Every offending line of a text, as `line: why`. */
export function outsideReferences(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const r of rules) if (r.re.test(line)) found.push(`${i + 1}: ${r.why}: ${line.trim().slice(0, 120)}`);
  });
  return found;
}

describe('references outside the repository', () => {
  it('finds each kind (the scanner itself can fail)', () => {
    const sample = ['see DESIGN.md', 'per coredns-semantics.md', 'EVAL explain', 'seed 000 §2.1', 'RFC 1035 §4.2.2', 'docs/lab-scenario.md', 'plain text'].join('\n');
    expect(outsideReferences(sample).map((f) => f.split(':')[0])).toEqual(['1', '2', '3', '4']);
  });

  it('none in src, jobs, test, bench, docs, scenarios, examples, deploy or the README', () => {
    const problems: string[] = [];
    const targets = ['src', 'jobs', 'test', 'bench', 'docs', 'scenarios', 'examples', 'deploy'].flatMap((d) => files(join(root, d)));
    for (const file of [...targets, join(root, 'README.md')]) {
      const rel = relative(root, file);
      if (rel === self) continue;
      for (const p of outsideReferences(readFileSync(file, 'utf8'))) problems.push(`${rel}:${p}`);
    }
    expect(problems).toEqual([]);
  });
});
