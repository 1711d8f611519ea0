import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFileDetailed } from '../../../src/lab/scenario/load-scenario.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('shipped scenarios', () => {
  it('there are scenario files to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    it(`${f} loads without errors or warnings`, () => {
      const { warnings } = loadScenarioFileDetailed(join(dir, f));
      expect(warnings).toEqual([]);
    });
  }
});
