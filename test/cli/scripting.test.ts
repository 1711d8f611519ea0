/**
 * The CLI as scripts use it: the exit code of every command tells healthy (0) from a finding (1),
 * a usage error (2) and "could not do its job" (3); -o json|yaml|markdown|text with the --json and
 * --markdown aliases; kubectl's cluster options before the sub-command; the plugin's name in the
 * help; NO_COLOR and --no-color; examples and exit codes in every --help; shell completion that
 * a real bash runs. `main` runs in-process with stdout and stderr captured; clusters are the lab,
 * or a kubeconfig pointing at a closed loopback port (unreachable).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Command } from 'commander';
import { buildProgram, main } from '../../src/cli/main.js';
import { setNoColorFlag, useColor } from '../../src/cli/color.js';
import { splitGlobalOptions } from '../../src/cli/global-options.js';
import { freePort } from '../helpers/redis-server.js';
import { startLab } from '../../src/lab/lab.js';

const root = join(import.meta.dirname, '..', '..');
/** Every command, by its path of sub-command names ([] is the root). */
const helpPaths: string[][] = [['why'], ['health'], ['corefile'], ['corefile', 'check'], ['corefile', 'fmt'], ['corefile', 'explain'], ['lab'], ['lab', 'test'], ['lab', 'generate'], ['demo'], ['serve'], ['probe'], ['completion'], []];
const seed000 = join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const healthy = join(root, 'scenarios', 'healthy-cluster.yaml');
const kubeadm = join(root, 'examples', 'corefiles', 'kubeadm.Corefile');
let out = '';
let err = '';
let dir = '';
let unreachable = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dnswhy-scripting-'));
  // A kubeconfig whose API server is a loopback port nobody listens on.
  const port = await freePort();
  unreachable = join(dir, 'kubeconfig');
  writeFileSync(
    unreachable,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: { server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true }\nusers:\n- name: u\n  user: { token: t }\ncontexts:\n- name: gone\n  context: { cluster: gone, user: u }\ncurrent-context: gone\n`,
  );
});
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

describe('exit codes per command', { timeout: 120_000 }, () => {
  it('why: 0 healthy, 1 a finding, 3 pod missing, 3 cluster unreachable, 2 usage', async () => {
    expect(await main(['why', 'shop/checkout-7f8d6c5b4-2kq9z', 'payments:8080', '--lab', healthy])).toBe(0);
    expect(await main(['why', 'mos/mos-model-6c9f7b5d8-x2k4p', 's3.cloud-b.example', '--lab', seed000])).toBe(1);
    expect(await main(['why', 'mos/mos-modle', 's3.cloud-b.example', '--lab', seed000])).toBe(3);
    expect(err).toMatch(/mos-model-6c9f7b5d8-x2k4p/);
    err = '';
    expect(await main(['why', 'mos/web', 'api.example.com', '--kubeconfig', unreachable])).toBe(3);
    expect(err).toMatch(/dnswhy why: .*ECONNREFUSED/);
    expect(await main(['why', 'mos/web'])).toBe(2);
  });

  it('why and health: 3 when the cluster refuses (the worker\'s token with no role bound: forbidden), naming the permission', async () => {
    const lab = await startLab(seed000, { dns: false, rbac: [] });
    try {
      expect(await main(['why', 'mos/mos-model-6c9f7b5d8-x2k4p', 's3.cloud-b.example', '--kubeconfig', lab.workerKubeconfigPath])).toBe(3);
      expect(err).toMatch(/^dnswhy why: get pods mos-model-6c9f7b5d8-x2k4p in namespace mos: .* is forbidden: .* cannot get resource "pods"/);
      err = '';
      expect(await main(['health', '--kubeconfig', lab.workerKubeconfigPath, '--burst', '0'])).toBe(3);
      expect(err).toMatch(/^dnswhy health: .*is forbidden: User "system:serviceaccount:dnswhy:dnswhy-worker" cannot/);
    } finally {
      await lab.stop();
    }
  });

  it('health: 1 degraded (seed 000), 3 unreachable, 2 usage', async () => {
    expect(await main(['health', '--lab', seed000, '--burst', '0'])).toBe(1);
    expect(await main(['health', '--kubeconfig', unreachable, '--burst', '0'])).toBe(3);
    expect(await main(['health', '--burst', 'lots'])).toBe(2);
  });

  it('corefile check and explain: 0 valid, 1 invalid, 3 file missing, 2 usage', async () => {
    const bad = join(dir, 'Corefile.bad');
    writeFileSync(bad, '.:53 {\n    bogus\n}\n');
    expect(await main(['corefile', 'check', kubeadm])).toBe(0);
    expect(await main(['corefile', 'check', bad])).toBe(1);
    expect(await main(['corefile', 'check', join(dir, 'no-such-Corefile')])).toBe(3);
    expect(err).toContain('no-such-Corefile');
    expect(await main(['corefile', 'check'])).toBe(2);
    expect(await main(['corefile', 'explain', kubeadm, 'example.com'])).toBe(0);
    expect(await main(['corefile', 'explain', join(dir, 'missing'), 'example.com'])).toBe(3);
    expect(await main(['corefile', 'fmt', join(dir, 'missing')])).toBe(3);
    expect(await main(['corefile', 'fmt', bad])).toBe(1);
  });

  it('lab test: 0 when every expectation holds, 2 without a file', async () => {
    expect(await main(['lab', 'test', healthy])).toBe(0);
    expect(await main(['lab', 'test'])).toBe(2);
  });
});

describe('-o as kubectl spells it', { timeout: 120_000 }, () => {
  it('why -o yaml carries the same report as -o json and --json; -o markdown equals --markdown', async () => {
    const args = ['why', 'mos/mos-model-6c9f7b5d8-x2k4p', 's3.cloud-b.example', '--lab', seed000];
    await main([...args, '-o', 'json']);
    const json = JSON.parse(out) as { verdict: string; findings: { checkId: string }[] };
    out = '';
    await main([...args, '--json']);
    const alias = JSON.parse(out) as typeof json;
    out = '';
    await main([...args, '-o', 'yaml']);
    const yaml = parseYaml(out) as typeof json;
    expect(yaml.verdict).toBe('broken');
    expect(yaml.findings.map((f) => f.checkId)).toEqual(json.findings.map((f) => f.checkId));
    expect(alias.findings.map((f) => f.checkId)).toEqual(json.findings.map((f) => f.checkId));
    out = '';
    await main([...args, '-o', 'markdown']);
    const md = out;
    out = '';
    await main([...args, '--markdown']);
    expect(md).toContain('upstream-split-horizon');
    expect(out.split('\n')[0]).toBe(md.split('\n')[0]);
  });

  it('health, corefile check and explain print YAML; an unknown format or two at once is a usage error', async () => {
    await main(['health', '--lab', seed000, '--burst', '0', '-o', 'yaml']);
    expect((parseYaml(out) as { status: string }).status).toBe('degraded');
    out = '';
    await main(['corefile', 'check', kubeadm, '-o', 'yaml']);
    expect(parseYaml(out)).toMatchObject({ ok: true, file: kubeadm });
    out = '';
    await main(['corefile', 'explain', kubeadm, 'example.com', '-o', 'yaml']);
    expect(parseYaml(out)).toHaveProperty('steps');
    expect(await main(['why', 'a/b', 'c.example', '-o', 'xml'])).toBe(2);
    expect(await main(['why', 'a/b', 'c.example', '--json', '-o', 'yaml'])).toBe(2);
    expect(await main(['corefile', 'check', kubeadm, '-o', 'markdown'])).toBe(2);
  });
});

describe('kubectl conventions', { timeout: 120_000 }, () => {
  it('accepts -n, --context and --kubeconfig before the sub-command', async () => {
    expect(splitGlobalOptions(['-n', 'mos', '--context=prod', 'why', 'pod', 'name'])).toEqual({ argv: ['why', 'pod', 'name', '-n', 'mos', '--context=prod'], noColor: false });
    expect(splitGlobalOptions(['--no-color', 'why', 'p', 'n', '--', '--no-color'])).toEqual({ argv: ['why', 'p', 'n', '--', '--no-color'], noColor: true });
    expect(await main(['-n', 'mos', 'why', 'mos-model-6c9f7b5d8-x2k4p', 's3.cloud-b.example', '--lab', seed000, '-o', 'json'])).toBe(1);
    expect((JSON.parse(out) as { pod: { namespace: string } }).pod.namespace).toBe('mos');
    expect(await main(['--kubeconfig', unreachable, 'health', '--burst', '0'])).toBe(3);
    // A sub-command that takes no cluster refuses them as it would after its name.
    expect(await main(['-n', 'mos', 'corefile', 'check', kubeadm])).toBe(2);
  });

  it('--version prints the version and exits 0 (without loading any sub-command)', async () => {
    expect(await main(['--version'])).toBe(0);
    expect(out.trim()).toBe('0.1.0');
  });

  it('says `kubectl dnswhy` in usage and examples when run as the kubectl-dnswhy plugin', async () => {
    expect(await main(['why', '--help'], '/usr/local/bin/kubectl-dnswhy')).toBe(0);
    expect(out).toContain('Usage: kubectl dnswhy why [options] <pod> <name>');
    expect(out).toContain('  kubectl dnswhy -n mos why deploy/mos-model');
    expect(out).not.toMatch(/^\s+dnswhy /m);
    out = '';
    expect(await main(['--help'], '/usr/lib/node_modules/dnswhy/bin/dnswhy.js')).toBe(0);
    expect(out).toContain('Usage: dnswhy [options] [command]');
  });

  it('colours only on a terminal, never with NO_COLOR or --no-color', () => {
    const tty = { isTTY: true };
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      setNoColorFlag(false);
      expect(useColor(tty)).toBe(true);
      expect(useColor({ isTTY: false })).toBe(false);
      process.env.NO_COLOR = '1';
      expect(useColor(tty)).toBe(false);
      process.env.NO_COLOR = '';
      expect(useColor(tty)).toBe(true);
      setNoColorFlag(true);
      expect(useColor(tty)).toBe(false);
    } finally {
      setNoColorFlag(false);
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  it('--no-color is accepted before and after the sub-command', async () => {
    expect(await main(['--no-color', 'corefile', 'check', kubeadm])).toBe(0);
    expect(await main(['corefile', 'check', kubeadm, '--no-color'])).toBe(0);
    expect(out).not.toContain('\u001b[');
  });

  it('the list below names every command of the program (a new command without examples fails)', async () => {
    const paths: string[] = [];
    const walk = (c: Command, path: string[]) => {
      paths.push(path.join(' '));
      for (const sub of c.commands) walk(sub, [...path, sub.name()]);
    };
    walk(await buildProgram(), []);
    expect(paths.sort()).toEqual(helpPaths.map((p) => p.join(' ')).sort());
  });

  it.each(helpPaths)('%j --help has examples and the exit codes', async (...path) => {
    expect(await main([...path, '--help'])).toBe(0);
    expect(out).toMatch(/\nExamples:\n {2}dnswhy /);
    expect(out).toContain('Exit codes:\n  0  healthy, or valid\n  1  a finding');
    expect(out).toContain('  3  could not do its job');
  });
});

describe('dnswhy completion', () => {
  function complete(script: string, words: string[]): string[] {
    // A real bash sources the script and runs the completion function for the words typed so far.
    const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dnswhy_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync('bash', ['-c', line], { encoding: 'utf8', cwd: root }).split('\n').filter(Boolean);
  }

  it('bash completes sub-commands, nested sub-commands and each command\'s own options', async () => {
    await main(['completion', 'bash']);
    const script = out;
    expect(complete(script, ['dnswhy', ''])).toEqual(expect.arrayContaining(['why', 'health', 'corefile', 'lab', 'serve', 'completion']));
    expect(complete(script, ['dnswhy', 'co']).sort()).toEqual(['completion', 'corefile']);
    expect(complete(script, ['dnswhy', 'corefile', ''])).toEqual(['check', 'fmt', 'explain']);
    expect(complete(script, ['dnswhy', 'why', '--ou'])).toEqual(['--output']);
    expect(complete(script, ['dnswhy', 'corefile', 'check', '--coredns'])).toEqual(['--coredns-version']);
    expect(complete(script, ['dnswhy', 'corefile', 'check', '--na'])).toEqual([]);
    expect(complete(script, ['kubectl-dnswhy', 'lab', ''])).toEqual(['test', 'generate']);
  });

  it('zsh gets the bash script through bashcompinit; fish gets one line per sub-command and option', async () => {
    await main(['completion', 'zsh']);
    expect(out).toMatch(/^#compdef dnswhy kubectl-dnswhy\nautoload -U \+X bashcompinit && bashcompinit\n/);
    expect(out).toContain('complete -o filenames -F _dnswhy_complete dnswhy kubectl-dnswhy');
    out = '';
    await main(['completion', 'fish']);
    expect(out).toContain("complete -c dnswhy -n '__fish_use_subcommand' -f -a 'corefile demo health lab probe serve why completion'");
    expect(out).toContain("complete -c dnswhy -n '__fish_seen_subcommand_from corefile; and not __fish_seen_subcommand_from check fmt explain' -f -a 'check fmt explain'");
    expect(out).toContain("complete -c dnswhy -n '__fish_seen_subcommand_from why' -l output");
    expect(await main(['completion', 'tcsh'])).toBe(2);
  });

  it('a real zsh completes through its bashcompinit as compsys calls it (compgen -F; zsh then matches the prefix; compdef registration a no-op)', async () => {
    await main(['completion', 'zsh']);
    const file = join(dir, 'dnswhy.zsh');
    writeFileSync(file, out);
    // compsys hands _bash_complete `words` (from 1) and CURRENT; bashcompinit derives COMP_WORDS and COMP_CWORD from them.
    // Only compdef, compsys' registration of the function, is a no-op here: loading all of compinit takes
    // seconds and registers nothing a non-interactive shell uses; bashcompinit and its compgen are zsh's own.
    const driver = 'compdef() { :; }\nsource "$1"; shift\nwords=("$@"); CURRENT=$#\nCOMP_WORDS=("${words[@]}"); (( COMP_CWORD = CURRENT - 1 ))\ncompgen -F _dnswhy_complete -- "${words[CURRENT]}"\n';
    const candidates = (...words: string[]) => execFileSync('zsh', ['-f', '-c', driver, 'zsh', file, ...words], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(candidates('dnswhy', 'corefile', '')).toEqual(['check', 'fmt', 'explain']);
    expect(candidates('dnswhy', 'why', '--ou')).toContain('--output');
    expect(candidates('dnswhy', 'why', '--ou')).not.toContain('--coredns-version');
    expect(candidates('kubectl-dnswhy', 'lab', '')).toEqual(['test', 'generate']);
  });

  it('a real fish completes sub-commands, nested sub-commands and options (complete -C)', async () => {
    await main(['completion', 'fish']);
    const file = join(dir, 'dnswhy.fish');
    writeFileSync(file, out);
    const complete = (line: string) => execFileSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
    expect(complete('dnswhy co').sort()).toEqual(['completion', 'corefile']);
    expect(complete('dnswhy corefile ').sort()).toEqual(['check', 'explain', 'fmt']);
    expect(complete('dnswhy why --ou')).toEqual(['--output']);
    expect(complete('kubectl-dnswhy lab ').sort()).toEqual(['generate', 'test']);
  });
});
