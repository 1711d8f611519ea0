/**
 * The diagnosis is not tuned to the seeds: variants with other names, addresses, cluster domains,
 * owners and combinations of faults hold too.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { repoRoot, scenarioCases } from './scenario-cases.js';

describe('variant scenarios (lab test)', () => {
  const files = readdirSync(join(repoRoot, 'scenarios', 'variants')).filter((f) => f.endsWith('.yaml')).sort();
  scenarioCases(files.map((f) => `scenarios/variants/${f}`));
});
