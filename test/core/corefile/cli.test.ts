/**
 * The `dnswhy corefile` commands, run as a user runs them: `npx tsx src/cli/main.ts …` in a child
 * process, against Corefiles written to a temporary directory. (Slow: each spawn compiles the CLI;
 * kept to four spawns. Help texts are checked in-process.)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corefileCommand } from '../../../src/cli/commands/corefile.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

async function dnswhy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 170_000 });
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
  it('check: exit 1 with FILE:LINE:COL lines on 1.14.7; exit 0 and JSON on 1.6.9', { timeout: 180_000 }, async () => {
    const file = join(dir, 'Corefile');
    const [bad, old] = await Promise.all([
      dnswhy('corefile', 'check', file),
      dnswhy('corefile', 'check', file, '--coredns-version', '1.6.9', '--json'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${file}:6:7 plugin/kubernetes: unknown property 'upstream'`);
    expect(old.code).toBe(0);
    const parsed = JSON.parse(old.stdout);
    expect(parsed.ok).toBe(true);
    expect(parsed.blocks[0].plugins).toEqual(['errors', 'kubernetes', 'forward', 'log']);
    expect(parsed.importedFiles).toEqual([join(dir, 'custom', 'a.override')]);
    expect(parsed.diagnostics.map((d: { severity: string; line: number }) => `${d.severity}@${d.line}`)).toContain('warning@6');
  });

  it('fmt prints normalised indentation; a missing file means the tool could not do its job (exit 3)', { timeout: 180_000 }, async () => {
    const [fmt, missing] = await Promise.all([
      dnswhy('corefile', 'fmt', join(dir, 'messy'), '--indent', '4'),
      dnswhy('corefile', 'check', join(dir, 'nope')),
    ]);
    expect(fmt.code).toBe(0);
    expect(fmt.stdout).toBe('.:53 {\n    errors\n    cache 30\n}\n');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('cannot read');
  });
});

describe('dnswhy corefile help (in-process)', () => {
  it('has --help on corefile, check, fmt and explain', () => {
    const cmd = corefileCommand();
    expect(cmd.helpInformation()).toMatch(/check[\s\S]*fmt[\s\S]*explain/);
    const sub = (n: string) => cmd.commands.find((c) => c.name() === n)!;
    expect(sub('check').helpInformation()).toMatch(/--coredns-version <version>[\s\S]*-o, --output <format>[\s\S]*--json/);
    expect(sub('fmt').helpInformation()).toMatch(/--indent/);
    expect(sub('explain').helpInformation()).toMatch(/<name>/);
  });

  it('refuses a bad --coredns-version as a usage error', async () => {
    const cmd = corefileCommand();
    cmd.commands.forEach((c) => c.configureOutput({ writeErr: () => {}, writeOut: () => {} }));
    await expect(cmd.parseAsync(['check', 'Corefile', '--coredns-version', 'latest'], { from: 'user' })).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
  });
});
