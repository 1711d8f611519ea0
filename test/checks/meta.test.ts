/**
 * Meta tests that hold the check folders together (typescript-eslint's docs tests, CoreDNS's
 * readme_test.go): id = folder name, registered, README with every section and every message id,
 * every `corefile` example parses, at least one raise and one clean fixture. The registry is the
 * list they walk, so a new check is tested here without touching this file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkIds, checks } from '../../src/checks/registry.js';
import { parseCorefile } from '../../src/core/corefile/parse.js';
import { checkFolders, checksDir, loadFixtures } from './load-fixtures.js';

const sections = ['Name', 'Description', 'Evidence', 'Findings', 'Fix', 'Examples', 'Limitations', 'See also'];

const repoReadme = join(checksDir, '..', '..', 'README.md');

/** Fenced blocks tagged `corefile`. */
export function corefileBlocks(md: string): string[] {
  return [...md.matchAll(/```corefile\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Check ids in the first column of the README's check table (the rows after `| id | what it proves |`). */
export function readmeTableIds(md: string): string[] {
  const table = md.split('\n| id | what it proves |\n')[1] ?? '';
  const ids: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    if (!line.startsWith('|')) break;
    const id = /^\| `([^`]+)` \|/.exec(line)?.[1];
    if (id) ids.push(id);
  }
  return ids;
}

describe('check folders', () => {
  it('every check folder is registered, under its folder name, and every registered check has a folder', () => {
    expect(checkFolders()).toEqual([...checkIds].sort());
    expect(new Set(checkIds).size).toBe(checkIds.length);
  });

  it('the README table lister reads the id column and stops at the end of the table (so the test below can fail)', () => {
    expect(readmeTableIds('x\n| id | what it proves |\n|---|---|\n| `a` | A |\n| `b` | B |\n\n| `c` | not this table |\n')).toEqual(['a', 'b']);
  });

  it("the README's check table has one row per registered check and no other", () => {
    expect(readmeTableIds(readFileSync(repoReadme, 'utf8')).sort()).toEqual([...checkIds].sort());
  });

  it('the README example extractor finds fenced corefile blocks (so the parse test below can fail)', () => {
    expect(corefileBlocks('x\n```corefile\n.:53 {\n}\n```\n```text\nno\n```')).toEqual(['.:53 {\n}\n']);
  });

  for (const id of checkIds) {
    describe(id, () => {
      const check = checks.find((c) => c.id === id);
      const readme = readFileSync(join(checksDir, id, 'README.md'), 'utf8');

      it('is registered under its folder name, with the folder README as docs', () => {
        expect(check?.id).toBe(id);
        expect(check?.meta.docsUrl).toBe(`src/checks/${id}/README.md`);
      });

      it('has a README with every section and every message id', () => {
        for (const s of sections) expect(readme, `section ${s}`).toMatch(new RegExp(`^## ${s}$`, 'm'));
        for (const m of Object.keys(check!.meta.messages)) expect(readme, `message id ${m}`).toContain(`\`${m}\``);
      });

      it('has corefile examples that parse', () => {
        const blocks = corefileBlocks(readme);
        expect(blocks.length).toBeGreaterThan(0);
        for (const b of blocks) {
          const p = parseCorefile(b);
          expect(p.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
          expect(p.ok).toBe(true);
        }
      });

      it('uses documentation names and addresses in its README examples', () => {
        for (const b of corefileBlocks(readme)) {
          for (const ip of b.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? []) expect(ip, 'RFC 5737 or private example addresses').toMatch(/^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|10\.|127\.)/);
        }
      });

      it('has at least one raise and one clean fixture', () => {
        expect(loadFixtures(id, 'raise').length).toBeGreaterThan(0);
        expect(loadFixtures(id, 'clean').length).toBeGreaterThan(0);
      });
    });
  }
});
