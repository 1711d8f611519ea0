/**
 * The import graph of the repository's TypeScript: every import, re-export and dynamic import() of a
 * file, relative ones resolved to the .ts file they name, and the cycles in it. Used by the meta
 * tests on import direction; a plain text scan, so it sees type-only imports too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');

/** Every .ts file under a folder. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, including dynamic imports. */
export function importsOf(text: string): string[] {
  return importSpecs(text).map((s) => s.spec);
}

/** Like importsOf, and says which were dynamic `import()` (loaded only when the code runs). */
export function importSpecs(text: string): { spec: string; dynamic: boolean }[] {
  const specs: { spec: string; dynamic: boolean }[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) specs.push({ spec: (m[1] ?? m[2] ?? m[3])!, dynamic: m[2] !== undefined });
  return specs;
}

/** One import: repository-relative paths (`src/slack/app.ts`), or the package name for packages. */
export interface ImportEdge {
  from: string;
  to: string;
  dynamic: boolean;
}

/** The imports of the given files; relative specifiers are resolved to the .ts file they name. */
export function edgesOf(files: string[]): ImportEdge[] {
  return files.flatMap((file) => {
    const from = relative(repoRoot, file);
    return importSpecs(readFileSync(file, 'utf8')).map(({ spec, dynamic }) => ({
      from,
      to: spec.startsWith('.') ? relative(repoRoot, join(dirname(file), spec)).replace(/\.js$/, '.ts') : spec,
      dynamic,
    }));
  });
}

/** Every import cycle among the files (strongly connected components of more than one file, or a file importing itself). */
export function importCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (!next.has(e.from)) next.set(e.from, []);
  for (const e of edges) if (next.has(e.to)) next.get(e.from)!.push(e.to);
  // Tarjan's algorithm, iterative so a deep import chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const targets = next.get(top.node)!;
      if (top.i < targets.length) {
        const w = targets[top.i++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.node);
        if (component.length > 1 || targets.includes(top.node)) cycles.push(component.sort());
      }
    }
  }
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}
