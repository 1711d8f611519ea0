/** `dnswhy lab generate`: a file the lab reads, YAML or JSON by extension; bad sizes are usage errors. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { loadScenarioFile } from '../../../src/lab/scenario/load-scenario.js';

let err = '';
let out = '';
beforeEach(() => {
  err = '';
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('dnswhy lab generate', () => {
  it('writes JSON for .json, YAML otherwise, and both load as the same scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnswhy-gen-'));
    expect(await main(['lab', 'generate', '--nodes', '4', '--pods', '30', '--service-share', '0.5', '-o', join(dir, 's.json')])).toBe(0);
    expect(await main(['lab', 'generate', '--nodes', '4', '--pods', '30', '--service-share', '0.5', '-o', join(dir, 's.yaml')])).toBe(0);
    expect(readFileSync(join(dir, 's.json'), 'utf8').startsWith('{')).toBe(true);
    const s = loadScenarioFile(join(dir, 's.json'));
    expect(loadScenarioFile(join(dir, 's.yaml'))).toEqual(s);
    expect(s.name).toBe('scale-4-nodes-30-pods');
    expect(s.pods).toHaveLength(30);
  });

  it('prints YAML on stdout without --out', async () => {
    expect(await main(['lab', 'generate', '--nodes', '1', '--pods', '2'])).toBe(0);
    expect(out).toMatch(/^version: 1\nname: scale-1-nodes-2-pods\n/);
  });

  it('refuses sizes it cannot lay out, naming the option', async () => {
    expect(await main(['lab', 'generate', '--nodes', '1', '--pods', '400'])).toBe(2);
    expect(err).toMatch(/--pods must be a whole number from 1 to 250, got 400/);
    expect(await main(['lab', 'generate', '--nodes', '1', '--pods', '4', '--service-share', 'lots'])).toBe(2);
    expect(await main(['lab', 'generate', '--pods', '4'])).toBe(2);
  });
});
