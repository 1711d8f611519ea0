/**
 * Bad input gets a message that names the real problem: size limits on files and command text,
 * encodings a Corefile cannot be in, control characters, extra words, out-of-range numbers, YAML
 * alias bombs and deep nesting. The CLI runs in-process (main), as `dnswhy` runs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { parsePodRef } from '../../src/core/input/pod-ref.js';
import { InputError, parseTargetName } from '../../src/core/input/target-name.js';
import { loadScenarioFile, parseScenario, ScenarioError } from '../../src/lab/scenario/load-scenario.js';
import { parseDnsCommand } from '../../src/slack/command/parse-dns-command.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnswhy-bad-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `dnswhy ARGS` in this process and collects what it prints. */
async function dnswhy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('Corefile files', () => {
  it('stops reading /dev/zero at the size limit and says so (check, fmt and explain)', async () => {
    for (const args of [['corefile', 'check', '/dev/zero'], ['corefile', 'fmt', '/dev/zero'], ['corefile', 'explain', '/dev/zero', 'example.org']]) {
      const r = await dnswhy(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout + r.stderr, args.join(' ')).toMatch(/\/dev\/zero is larger than 1 MiB, the limit for a Corefile/);
    }
  });

  it('refuses a 10 MB Corefile with the limit in the message', async () => {
    const big = file('big-Corefile', `.:53 {\n    errors\n}\n${'# padding\n'.repeat(1_000_000)}`);
    const r = await dnswhy('corefile', 'check', big);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('is larger than 1 MiB, the limit for a Corefile');
  });

  it('calls a UTF-16 Corefile UTF-16, with or without a byte order mark', async () => {
    const text = '.:53 {\n    errors\n}\n';
    const le = file('utf16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const noBom = file('utf16-nobom', Buffer.from(text, 'utf16le'));
    for (const f of [le, noBom]) {
      const r = await dnswhy('corefile', 'check', f);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/is UTF-16 text.*CoreDNS reads a Corefile as UTF-8/);
    }
  });

  it('calls a binary file binary', async () => {
    const png = file('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]));
    const r = await dnswhy('corefile', 'check', png);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/is a binary file \(a NUL byte at offset 8\), not a Corefile/);
  });

  it('fmt refuses a Corefile that check rejects and prints nothing to format', async () => {
    const bad = file('bad-plugin', '.:53 {\n    forward\n    cache 30\n}\n');
    const check = await dnswhy('corefile', 'check', bad);
    expect(check.code).toBe(1);
    const fmt = await dnswhy('corefile', 'fmt', bad);
    expect(fmt.code).toBe(1);
    expect(fmt.stdout).toBe('');
    expect(fmt.stderr).toContain('forward');
    const unknown = file('unknown-directive', '.:53 {\n    erors\n}\n');
    const fmt2 = await dnswhy('corefile', 'fmt', unknown);
    expect(fmt2.code).toBe(1);
    expect(fmt2.stderr).toContain("Unknown directive 'erors'");
  });
});

describe('command words', () => {
  it('says "unexpected extra text" for words after `/dns why POD NAME`', () => {
    const r = parseDnsCommand('why default/web-7d9 api.example.org please now');
    expect(r).toEqual({ kind: 'usage-error', message: expect.stringContaining('unexpected extra text after the name: "please now"') });
    expect(parseDnsCommand('why default/web-7d9')).toEqual({ kind: 'usage-error', message: expect.stringContaining('needs a pod and a name') });
  });

  it('names control characters in a DNS name or a pod name as such', () => {
    expect(() => parseTargetName('api.exa\u0007mple.org')).toThrow(/control character U\+0007 at position 8/);
    expect(() => parseTargetName('api.example.org\u0000')).toThrow(InputError);
    expect(() => parsePodRef('default/web\u001b[31m')).toThrow(/control character U\+001B/);
    const slack = parseDnsCommand('why default/web-7d9 api.exa\u0007mple.org');
    expect(slack.kind === 'usage-error' && slack.message).toMatch(/control character U\+0007/);
  });
});

describe('environment numbers', () => {
  const env = { DNSWHY_LAB: 'scenarios/000-hybrid-cloud-split-horizon.yaml' };
  const problems = (extra: Record<string, string>) => {
    try {
      loadConfig({ ...env, ...extra }, 'worker');
    } catch (e) {
      if (e instanceof ConfigError) return e.problems.join('\n');
      throw e;
    }
    return '';
  };

  it('says "must be between A and B" for out-of-range numbers', () => {
    expect(problems({ PORT: '70000' })).toContain('PORT: must be between 1 and 65535');
    expect(problems({ PORT: '0' })).toContain('PORT: must be between 1 and 65535');
    expect(problems({ DNSWHY_WORKER_CONCURRENCY: '500' })).toContain('DNSWHY_WORKER_CONCURRENCY: must be between 1 and 64');
    expect(problems({ DNSWHY_CLUSTER_MAX_RUNNING: '0' })).toContain('DNSWHY_CLUSTER_MAX_RUNNING: must be between 1 and 256');
    expect(problems({ DNSWHY_MAX_DIAGNOSES_PER_USER: '1000' })).toContain('DNSWHY_MAX_DIAGNOSES_PER_USER: must be between 1 and 100');
    expect(problems({ DNSWHY_PROPOSAL_TTL_SECONDS: '-5' })).toMatch(/DNSWHY_PROPOSAL_TTL_SECONDS: must be between 1 and \d+/);
    expect(problems({ PORT: 'http' })).toContain('PORT: must be a whole number between 1 and 65535');
  });
});

describe('scenario files', () => {
  it('names the file and line of a YAML alias bomb instead of expanding it', () => {
    let bomb = 'version: 1\na: &a ["x","x","x","x","x","x","x","x","x"]\n';
    let prev = 'a';
    for (let i = 0; i < 8; i++) {
      bomb += `b${i}: &b${i} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
      prev = `b${i}`;
    }
    const f = file('bomb.yaml', bomb);
    let err: unknown;
    try {
      loadScenarioFile(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toMatch(new RegExp(`^${f}:3: .*aliases`));
  });

  it('names the file and line of deep nesting, flow or block', () => {
    const flow = `version: 1\nname: x\nnodes: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const block = `version: 1\nname: x\nnodes:\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i * 2 + 2)}- `).join('\n')}\n`;
    // The line where the 65th level opens: all on line 3 for the flow form, line 4 + 63 for the block form.
    for (const [text, line] of [[flow, 3], [block, 67]] as const) {
      let err: unknown;
      try {
        parseScenario(text, 'deep.yaml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as Error).message).toMatch(new RegExp(`^deep\\.yaml:${line}: .*nested more than 64 levels deep`));
    }
  });

  it('stops reading /dev/zero and a huge scenario at the size limit', () => {
    expect(() => loadScenarioFile('/dev/zero')).toThrow(/\/dev\/zero: .*larger than 32 MiB, the limit for a scenario file/);
  });
});
