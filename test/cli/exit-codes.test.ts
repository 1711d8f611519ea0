/**
 * The CLI's contract: exit 0 ok, 1 a finding or invalid input, 2 a usage error, 3 could not do its job.
 * Runs `main` in-process (no child process) with stdout/stderr captured.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const root = join(import.meta.dirname, '..', '..');
let out = '';
let err = '';

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('dnswhy exit codes', () => {
  it.each([
    [['why', 'only-a-pod']],
    [['why']],
    [['lab', 'test']],
    [['corefile', 'check']],
    [['corefile', 'explain', 'Corefile']],
    [['why', 'a', 'b.example', '--burst', 'many']],
    [['no-such-command']],
  ])('usage error %j exits 2', async (argv) => {
    expect(await main(argv)).toBe(2);
  });

  it('a malformed DNS name is a usage error that names the problem', async () => {
    expect(await main(['why', 'web', 'bad..name'])).toBe(2);
    expect(err).toMatch(/empty label/);
  });

  it.each([[['--help']], [['why', '--help']], [['lab', 'test', '--help']], [['corefile', 'check', '--help']]])('%j exits 0', async (argv) => {
    expect(await main(argv)).toBe(0);
  });

  it('corefile check: 0 for a valid Corefile, 1 with FILE:LINE:COL for an invalid one', async () => {
    expect(await main(['corefile', 'check', join(root, 'examples', 'corefiles', 'kubeadm.Corefile')])).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'dnswhy-cli-'));
    const bad = join(dir, 'Corefile');
    writeFileSync(bad, '.:53 {\n    forward .\n    bogus\n}\n');
    expect(await main(['corefile', 'check', bad])).toBe(1);
    expect(out + err).toMatch(/Corefile:3:\d+ .*Unknown directive 'bogus'/);
  });

  it('why: an unknown pod in the lab exits 3 (could not do its job) and lists the closest names', async () => {
    const code = await main(['why', 'mos/mos-modle', 's3.cloud-b.example', '--lab', join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml')]);
    expect(code).toBe(3);
    expect(err).toMatch(/mos-model-6c9f7b5d8-x2k4p/);
  });
});

describe('the exit codes as documented', () => {
  it('the README table and --help list the same codes as the code uses, each with its meaning', async () => {
    const { exitCodes, exitCodeHelp } = await import('../../src/cli/exit-codes.js');
    const readme = (await import('node:fs')).readFileSync(join(root, 'README.md'), 'utf8');
    const table = [...readme.matchAll(/^\| ([0-9]) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2]!] as const);
    const codes = Object.values(exitCodes).sort();
    expect(table.map(([c]) => c)).toEqual(codes);
    expect([...exitCodeHelp.matchAll(/^ {2}([0-9]) {2}/gm)].map((m) => Number(m[1]))).toEqual(codes);
    const meaning = Object.fromEntries(table);
    expect(meaning[1]).toMatch(/finding/);
    expect(meaning[2]).toMatch(/usage/);
    expect(meaning[3]).toMatch(/unreachable.*refuses|refuses.*unreachable/);
    expect(meaning[3]).toMatch(/does not exist/);
  });
});
