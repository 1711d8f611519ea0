/**
 * Cold start-up of the packed package, as the image runs it: `npm pack`, the image's install
 * script into a fresh prefix, then fresh processes of `dnswhy --version` and
 * `dnswhy corefile check FILE` from PATH (compiled JavaScript only, no compile step), median of
 * BENCH_RUNS (default 7) after one discarded run. Wall-clock and CPU time of each child are
 * recorded with the load average: a busy 2-core box inflates wall-clock figures.
 * Writes bench/results/packed-startup.json. Run: npx tsx bench/packed-startup.bench.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { packAndInstall } from '../test/helpers/packed-install.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

/** One fresh process: wall ms until exit, and its user+system CPU ms (GNU time's %U %S on the last stderr line). */
function once(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%U %S', bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return fail(new Error(`${bin} ${args.join(' ')} exited ${code}: ${err.slice(0, 300)}`));
      const [user, sys] = err.trim().split('\n').pop()!.split(' ').map(Number) as [number, number];
      done({ ms, cpuMs: (user + sys) * 1000 });
    });
  });
}

const pkg = await packAndInstall();
try {
  const corefile = join(pkg.dir, 'Corefile');
  writeFileSync(corefile, '.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    cache 30\n    reload\n}\n');
  const env = { PATH: `${pkg.prefix}/bin:${process.env.PATH}`, HOME: '/nonexistent', TMPDIR: pkg.dir, NODE_ENV: 'production' };
  const cases = { version: ['--version'], corefileCheck: ['corefile', 'check', corefile] };
  const figures: Record<string, { medianMs: number; minMs: number; medianCpuMs: number; runs: number }> = {};
  for (const [name, args] of Object.entries(cases)) {
    await once('dnswhy', args, env);
    const xs: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < runs; i++) xs.push(await once('dnswhy', args, env));
    figures[name] = { medianMs: round(median(xs.map((x) => x.ms))), minMs: round(Math.min(...xs.map((x) => x.ms))), medianCpuMs: round(median(xs.map((x) => x.cpuMs))), runs };
    console.log(`dnswhy ${args[0]}: median ${figures[name].medianMs} ms (cpu ${figures[name].medianCpuMs} ms)`);
  }
  const result = {
    bench: 'packed-startup',
    what: 'cold start of the packed, installed package (npm pack + deploy/image/install-package.sh), fresh process each run',
    at: new Date().toISOString(),
    node: process.version,
    loadAverage1m: round(loadavg()[0]!),
    tarballFiles: pkg.files.length,
    commands: { version: 'dnswhy --version', corefileCheck: 'dnswhy corefile check FILE' },
    figures,
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'packed-startup.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote bench/results/packed-startup.json (load average ${result.loadAverage1m})`);
} finally {
  pkg.cleanup();
}
