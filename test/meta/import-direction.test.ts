/**
 * Dependencies point inward (docs/architecture.md): nothing in src/core or src/checks may import Slack,
 * BullMQ, ioredis, the Kubernetes client, sockets, or the outer layers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const forbiddenPackages = [/^@slack\//, /^bullmq$/, /^ioredis$/, /^@kubernetes\/client-node$/, /^(node:)?(dgram|net|tls|http|https|http2|child_process|dns)$/, /^ws$/, /^undici$/];
const forbiddenLayers = ['src/probes', 'src/lab', 'src/queue', 'src/slack', 'src/cli', 'jobs'];

/** Every module specifier a file imports or re-exports, including dynamic imports. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

describe('import direction', () => {
  it('finds imports in all their forms (the scanner itself can fail)', () => {
    const sample = `import dgram from 'node:dgram';\nexport { x } from "../probes/x.js";\nconst m = await import('bullmq');\nimport './side-effect.js';`;
    expect(importsOf(sample)).toEqual(['node:dgram', '../probes/x.js', 'bullmq', './side-effect.js']);
  });

  for (const layer of ['src/core', 'src/checks']) {
    it(`${layer} imports no I/O library and no outer layer`, () => {
      const problems: string[] = [];
      for (const file of sourceFiles(join(root, layer))) {
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          const rel = relative(root, file);
          if (forbiddenPackages.some((re) => re.test(spec))) problems.push(`${rel} imports ${spec}`);
          if (spec.startsWith('.')) {
            const target = relative(root, join(file, '..', spec));
            if (forbiddenLayers.some((l) => target.startsWith(l))) problems.push(`${rel} imports ${target}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
