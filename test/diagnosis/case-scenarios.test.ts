/**
 * The corpus of publicly reported DNS failures (scenarios/cases/, each file names its source): every
 * expectation holds against the real diagnosis in the lab, fixes applied where the case asks. Healthy
 * controls in the corpus must stay healthy.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { repoRoot, scenarioCases } from './scenario-cases.js';

const dir = join(repoRoot, 'scenarios', 'cases');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('reported cases (lab test)', () => {
  it('every case names its source in a comment', () => {
    const missing = files.filter((f) => !/^# (Source|Healthy control)/m.test(readFileSync(join(dir, f), 'utf8')) || !/https?:\/\/\S+/.test(readFileSync(join(dir, f), 'utf8').split('\nversion:')[0]!));
    expect(missing).toEqual([]);
  });
  scenarioCases(files.map((f) => `scenarios/cases/${f}`), { concurrent: true });
});
