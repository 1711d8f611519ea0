/**
 * `dnswhy health`, run as a user runs it (`npx tsx src/cli/main.ts health …` in a child process)
 * against the embedded lab: JSON output and exit codes (1 when not ok, 2 on a usage error).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { HealthSummary } from '../../../src/core/health/index.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

async function dnswhy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('dnswhy health', () => {
  it('prints the lab summary as JSON and exits 1 when degraded; refuses a bad --burst with exit 2', async () => {
    const [lab, bad] = await Promise.all([
      dnswhy('health', '--lab', 'scenarios/000-hybrid-cloud-split-horizon.yaml', '--json', '--burst', '5'),
      dnswhy('health', '--burst', 'lots'),
    ]);
    expect(lab.code, lab.stderr).toBe(1);
    const s = JSON.parse(lab.stdout) as HealthSummary;
    expect(s.status).toBe('degraded');
    expect(s.cluster).toBe('lab:hybrid-cloud-split-horizon');
    expect(s.spread.singleZone).toBe(true);
    expect(s.latency.rows.length).toBeGreaterThan(1);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--burst must be a whole number');
  }, 150_000);
});
