/**
 * The `dnswhy corefile` commands, run as a user runs them: `npx tsx src/cli/main.ts …` in a child
 * process, against Corefiles written to a temporary directory.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

async function dnswhy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnswhy-corefile-'));
  mkdirSync(join(dir, 'custom'));
  // Seed 004's Corefile: `upstream` inside kubernetes (an error from CoreDNS 1.7.0 on).
  writeFileSync(
    join(dir, 'Corefile'),
    '.:53 {\n    errors\n    kubernetes oneprocloud.com in-addr.arpa ip6.arpa {  # zone\n\n      pods verified\n      upstream\n      fallthrough in-addr.arpa ip6.arpa\n      ttl 30\n    }\n    forward . /etc/resolv.conf\n    import custom/*.override\n}\n',
  );
  writeFileSync(join(dir, 'custom', 'a.override'), 'log\n');
  writeFileSync(join(dir, 'messy'), '.:53 {\n errors\n\t\tcache 30\n}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dnswhy corefile (spawned CLI)', () => {
  it('check: exit 1 with FILE:LINE:COL lines on 1.14.7, exit 0 on 1.6.9; --json', async () => {
    const file = join(dir, 'Corefile');
    const bad = await dnswhy('corefile', 'check', file);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${file}:6:7 plugin/kubernetes: unknown property 'upstream'`);
    const old = await dnswhy('corefile', 'check', file, '--coredns-version', '1.6.9');
    expect(old.code).toBe(0);
    expect(old.stdout).toContain('valid for CoreDNS 1.6.9');
    const json = await dnswhy('corefile', 'check', file, '--json');
    const parsed = JSON.parse(json.stdout);
    expect(parsed.ok).toBe(false);
    expect(parsed.blocks[0].plugins).toEqual(['errors', 'kubernetes', 'forward', 'log']);
    expect(parsed.importedFiles).toEqual([join(dir, 'custom', 'a.override')]);
  });

  it('fmt prints normalised indentation; usage errors exit 2; --help exits 0', async () => {
    const fmt = await dnswhy('corefile', 'fmt', join(dir, 'messy'));
    expect(fmt.code).toBe(0);
    expect(fmt.stdout).toBe('.:53 {\n errors\n cache 30\n}\n');
    expect((await dnswhy('corefile', 'fmt', join(dir, 'messy'), '--indent', '4')).stdout).toBe('.:53 {\n    errors\n    cache 30\n}\n');
    expect((await dnswhy('corefile', 'check', join(dir, 'nope'))).code).toBe(2);
    expect((await dnswhy('corefile', 'check', join(dir, 'Corefile'), '--coredns-version', 'latest')).code).toBe(2);
    const help = await dnswhy('corefile', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/check[\s\S]*fmt[\s\S]*explain/);
  });
});
