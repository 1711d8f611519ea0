/** `dnswhy lab FILE` as a process: first stdout line, a working API, clean exit on SIGTERM and SIGINT. */
import { labFetch } from './helpers/test-lab.js';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { labCommand } from '../../src/cli/commands/lab.js';
import { fixture } from './helpers/test-lab.js';

const root = join(import.meta.dirname, '..', '..');
const entry = fixture('lab-cli-entry.ts');

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const firstLines = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (out.includes('# try:')) resolve(out);
    });
    child.on('exit', () => reject(new Error(`exited early: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, firstLines, exited, output: () => ({ out, err }) };
}

describe('dnswhy lab FILE', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints export KUBECONFIG first, serves the API, and stops cleanly on ${signal}`, async () => {
      const cli = startCli(['lab', '--no-dns', fixture('small.yaml')]);
      const text = await cli.firstLines;
      const first = text.split('\n')[0]!;
      expect(first).toMatch(/^export KUBECONFIG=\/.+\/kubeconfig$/);
      const api = text.match(/API (https:\/\/127\.0\.0\.1:\d+)/)![1]!;
      const kc = readFileSync(first.slice('export KUBECONFIG='.length), 'utf8');
      const lab = { apiUrl: api, ca: Buffer.from(/certificate-authority-data: (\S+)/.exec(kc)![1]!, 'base64').toString(), adminToken: /token: (\S+)/.exec(kc)![1]! };
      const pods = (await (await labFetch(lab, '/api/v1/namespaces/shop/pods')).json()) as any;
      expect(pods.items.map((p: any) => p.metadata.name)).toEqual(['tools', 'web-6c9f7b5d8-x2k4p']);
      cli.child.kill(signal);
      expect(await cli.exited).toBe(0);
      expect(cli.output().err).toContain('dnswhy lab: stopped');
      await expect(labFetch(lab, '/version')).rejects.toThrow();
    });
  }

  it('a scenario with mistakes exits 1 with the file, path and expectation on stderr', async () => {
    const cli = startCli(['lab', join(root, 'package.json')]);
    cli.firstLines.catch(() => undefined);
    expect(await cli.exited).toBe(1);
    expect(cli.output().err).toContain('package.json');
    expect(cli.output().out).toBe('');
  });

  it('lab --help lists the file argument and sub-commands added to it', () => {
    let help = '';
    const program = new Command('dnswhy').exitOverride();
    const lab = labCommand([new Command('test').description('check expectations').argument('<files...>')]);
    program.addCommand(lab.exitOverride().configureOutput({ writeOut: (s) => (help += s) }));
    expect(() => program.parse(['lab', '--help'], { from: 'user' })).toThrow();
    expect(help).toContain('Usage: dnswhy lab [options] [command] [file]');
    expect(help).toContain('test <files...>');
    expect(help).toContain('--no-dns');
  });
});
