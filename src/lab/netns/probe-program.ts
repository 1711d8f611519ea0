/**
 * The program a netns probe pod runs for `dnswhy probe`: the compiled build when it is fresh (as an
 * installed package runs it), else the sources bundled once per lab with esbuild (tsx's compiler,
 * a development dependency) into node_modules/.cache, because compiling the TypeScript again in
 * every probe process costs seconds of CPU each. Falls back to bin/dnswhy.js (tsx) without esbuild.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/dist\/$/, '/');

function newest(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n = Math.max(n, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return n;
}

let built: Promise<string[]> | undefined;

/** argv (after node) that runs the dnswhy CLI in a probe pod. */
export function probeProgram(): Promise<string[]> {
  built ??= (async () => {
    const bin = join(root, 'bin/dnswhy.js');
    const stamp = join(root, 'dist/.build-stamp');
    const sources = ['src', 'jobs'].map((d) => join(root, d)).filter((d) => existsSync(d));
    if (existsSync(stamp) && sources.every((d) => newest(d) <= statSync(stamp).mtimeMs)) return [bin];
    try {
      const esbuild = await import('esbuild');
      const dir = join(root, 'node_modules/.cache/dnswhy-netns');
      mkdirSync(dir, { recursive: true });
      // Named by the checkout and its sources' newest change: labs reuse it until a source changes,
      // and older ones of this checkout go. Other checkouts' bundles stay: worktrees may share one
      // node_modules, and a lab of another checkout may be running from its bundle right now.
      const checkout = `cli-${createHash('sha256').update(root).digest('hex').slice(0, 8)}-`;
      const name = `${checkout}${Math.round(Math.max(...sources.map(newest)))}`;
      const out = join(dir, name, 'probe.js');
      for (const old of readdirSync(dir)) if (old !== name && old.startsWith(checkout)) rmSync(join(dir, old), { recursive: true, force: true });
      if (existsSync(out)) return [out];
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'package.json'), '{"type":"module"}\n');
      // Only the probe command: the whole CLI would load the Slack app and the rest in every probe.
      const entry = [
        `import { probeCommand } from ${JSON.stringify(join(root, 'src/cli/commands/probe.ts'))};`,
        'const args = process.argv.slice(2);',
        "if (args[0] === 'probe') args.shift();",
        "await probeCommand().parseAsync(args, { from: 'user' });",
      ].join('\n');
      // Written aside and renamed: a lab starting meanwhile sees the whole bundle or none.
      const part = `${out}.${process.pid}.part`;
      await esbuild.build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: part, logLevel: 'silent' });
      renameSync(part, out);
      return [out];
    } catch {
      return [bin];
    }
  })();
  return built;
}
