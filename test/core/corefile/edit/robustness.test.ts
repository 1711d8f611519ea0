/** Edits never throw: every corpus stanza (wrapped as `. { … }`) goes through each edit; results are typed. */
import { describe, expect, it } from 'vitest';
import { corefileCorpus } from '../../../helpers/corefile-corpus.js';
import {
  addFallthrough, addForwardZoneBlock, addHostsEntries, addViewBlock, replaceForwardUpstreams,
} from '../../../../src/core/corefile/edit/index.js';

const corpus = corefileCorpus;

describe('edit robustness over the setup corpus', () => {
  it('returns an EditResult (ok or not) for every stanza and every edit', () => {
    let ok = 0;
    const seen = new Set<string>();
    for (const [i, row] of corpus.entries()) {
      // Every 6th row plus the first row of each plugin keeps this test fast and covers every plugin.
      if (i % 6 !== 0 && seen.has(row.plugin)) continue;
      seen.add(row.plugin);
      const text = `. {\n${row.input}\n}\n`;
      const results = [
        addHostsEntries(text, { entries: [{ ip: '10.0.0.1', names: ['pinned.example'] }] }),
        addFallthrough(text, { plugin: row.plugin, zones: ['example.org'] }),
        replaceForwardUpstreams(text, { upstreams: ['10.0.0.53'] }),
        addForwardZoneBlock(text, { zone: 'corp.example', upstreams: ['10.0.0.53'] }),
        addViewBlock(text, { name: 'v', cidrs: ['10.0.0.0/8'], copyFrom: 0 }),
      ];
      for (const r of results) {
        expect(typeof r.ok).toBe('boolean');
        if (r.ok) {
          ok++;
          expect(r.diff).toContain('+++ Corefile');
        } else {
          expect(r.diagnostics.length).toBeGreaterThan(0);
        }
      }
    }
    expect(ok).toBeGreaterThan(50);
  });
});
