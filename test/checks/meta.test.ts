/**
 * Meta tests that hold the check folders together (typescript-eslint's docs tests, CoreDNS's
 * readme_test.go): id = folder name, registered, README with every section and every message id,
 * every `corefile` example parses, at least one raise and one clean fixture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checks } from '../../src/checks/registry.js';
import { parseCorefile } from '../../src/core/corefile/parse.js';
import { checkFolders, checksDir, loadFixtures } from './load-fixtures.js';

const sections = ['Name', 'Description', 'Evidence', 'Findings', 'Fix', 'Examples', 'Limitations', 'See also'];
const designIds = [
  'upstream-split-horizon', 'static-answer-unreachable', 'intermittent-timeouts', 'search-path-amplification', 'mixed-upstreams',
  'dns-endpoint-unreachable', 'cluster-domain-shadowing', 'no-ready-dns-endpoints', 'pod-dns-policy', 'hosts-file-override',
  'network-policy-blocks-dns', 'upstream-failure', 'name-does-not-exist', 'healthy', 'search-suffix-wins',
];

/** Fenced blocks tagged `corefile`. */
export function corefileBlocks(md: string): string[] {
  return [...md.matchAll(/```corefile\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('check folders', () => {
  it('every id of DESIGN.md §6 has a folder and a registered check, and nothing else is registered', () => {
    expect(checkFolders()).toEqual([...designIds].sort());
    expect(checks.map((c) => c.id).sort()).toEqual([...designIds].sort());
  });

  it('the README example extractor finds fenced corefile blocks (so the parse test below can fail)', () => {
    expect(corefileBlocks('x\n```corefile\n.:53 {\n}\n```\n```text\nno\n```')).toEqual(['.:53 {\n}\n']);
  });

  for (const id of designIds) {
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
