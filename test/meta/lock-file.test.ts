/**
 * The lock file is complete: every dependency, optional dependency and required peer of every
 * package in package-lock.json resolves (the way Node and npm resolve it, up the nested
 * node_modules folders) to an entry of the lock itself. A lock that lacks an optional platform
 * package (msgpackr-extract's, before) is what makes `npm install` on a fresh clone rewrite it and
 * leave `git status` dirty.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
type Packages = Record<string, LockEntry>;

const lock = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Packages };

/** "kind path -> name" for each dependency no lock entry answers. */
function unresolved(packages: Packages): string[] {
  const out: string[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}).map((d) => ['dependency', d] as const),
      ...Object.keys(entry.optionalDependencies ?? {}).map((d) => ['optional', d] as const),
      ...Object.keys(entry.peerDependencies ?? {}).filter((d) => !entry.peerDependenciesMeta?.[d]?.optional).map((d) => ['peer', d] as const),
    ];
    for (const [kind, name] of wanted) {
      let base = path;
      let found = false;
      for (;;) {
        if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) {
          found = true;
          break;
        }
        if (!base) break;
        const up = base.lastIndexOf('/node_modules/');
        base = up < 0 ? '' : base.slice(0, up);
      }
      if (!found) out.push(`${kind} ${path || '(root)'} -> ${name}`);
    }
  }
  return out;
}

describe('package-lock.json', () => {
  it('is lockfile version 3 and resolves every dependency, optional platform package and required peer to an entry of its own', () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(unresolved(lock.packages)).toEqual([]);
  });

  it('would name a missing optional platform package (the check can fail)', () => {
    const key = Object.keys(lock.packages).find((k) => /node_modules\/@msgpackr-extract\/msgpackr-extract-linux-x64$/.test(k));
    expect(key, 'the lock holds msgpackr-extract\'s linux-x64 package').toBeDefined();
    const without = { ...lock.packages };
    delete without[key!];
    expect(unresolved(without)).toEqual([expect.stringMatching(/^optional .*msgpackr-extract -> @msgpackr-extract\/msgpackr-extract-linux-x64$/)]);
  });
});
