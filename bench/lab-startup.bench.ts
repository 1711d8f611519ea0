/**
 * Lab start-up time. In-process: `startLab(scenario)` until the API server answers and the
 * kubeconfig is written (DNS world included), median of BENCH_RUNS (default 5) starts per shipped
 * scenario, after one warm-up start that loads the modules. CLI: a fresh `dnswhy lab FILE` process
 * (node --import tsx src/cli/main.ts) until its first stdout line (`export KUBECONFIG=...`), median of
 * BENCH_CLI_RUNS (default 3); this includes node start-up and tsx compiling the sources. The load
 * average is recorded: on a busy 2-core box the figures move a lot, so CPU time is recorded too.
 * `cliLabOnly` runs an entry point with only the lab command registered, to separate the lab's own
 * cost from the imports of the other commands in src/cli/main.ts.
 * `cliCompiled`: the same two entry points compiled with tsc (to a temp folder) and run with plain node.
 * Writes bench/results/lab-startup.json. Run: npx tsx bench/lab-startup.bench.ts
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLab } from '../src/lab/lab.js';
import { loadScenarioFile } from '../src/lab/scenario/load-scenario.js';

const root = join(import.meta.dirname, '..');
const run = promisify(execFile);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const cliRuns = Number(process.env.BENCH_CLI_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const round = (x: number) => Math.round(x * 10) / 10;

/** Wall-clock and CPU ms of one start (CPU time is what a busy machine does not inflate). */
async function timeStart(file: string): Promise<{ ms: number; cpuMs: number }> {
  const scenario = loadScenarioFile(file);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const lab = await startLab(scenario);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await lab.stop();
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

/** CPU ms a process has used so far (Linux /proc, clock ticks of 10 ms). */
function processCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** ms until a fresh CLI process prints its first line; the process is then stopped with SIGTERM. */
function timeCli(file: string, entry = join(root, 'src/cli/main.ts'), nodeArgs = ['--import', 'tsx']): Promise<{ ms: number; cpuMs?: number; firstLine: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, entry, 'lab', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let done = false;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (!done && out.includes('\n')) {
        done = true;
        const ms = performance.now() - t0;
        const cpuMs = processCpuMs(child.pid!);
        child.once('exit', () => resolve({ ms, ...(cpuMs !== undefined ? { cpuMs } : {}), firstLine: out.split('\n')[0]! }));
        child.kill('SIGTERM');
      }
    });
    child.on('exit', (code) => {
      if (!done) reject(new Error(`dnswhy lab exited with ${code} before printing: ${err.slice(0, 500)}`));
    });
  });
}

const files = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort();
await timeStart(join(root, 'scenarios', files[0]!)); // warm-up: module loading is not start-up of a lab
const perScenario: Record<string, { runsMs: number[]; medianMs: number; medianCpuMs: number }> = {};
for (const f of files) {
  const xs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await timeStart(join(root, 'scenarios', f));
    xs.push(round(r.ms));
    cpu.push(round(r.cpuMs));
  }
  perScenario[f] = { runsMs: xs, medianMs: round(median(xs)), medianCpuMs: round(median(cpu)) };
  console.log(`${f}: median ${perScenario[f]!.medianMs} ms wall, ${perScenario[f]!.medianCpuMs} ms CPU (${xs.join(', ')})`);
}

const cliFile = join(root, 'scenarios', files.includes('healthy-cluster.yaml') ? 'healthy-cluster.yaml' : files[0]!);
let cli: { file: string; runsMs: number[]; medianMs: number; cpuMs: number[]; medianCpuMs?: number; firstLine: string } | { error: string };
try {
  const xs: number[] = [];
  const cpu: number[] = [];
  let firstLine = '';
  for (let i = 0; i < cliRuns; i++) {
    const r = await timeCli(cliFile);
    xs.push(round(r.ms));
    if (r.cpuMs !== undefined) cpu.push(r.cpuMs);
    firstLine = r.firstLine;
  }
  cli = { file: cliFile.slice(root.length + 1), runsMs: xs, medianMs: round(median(xs)), cpuMs: cpu, ...(cpu.length ? { medianCpuMs: median(cpu) } : {}), firstLine: firstLine.replace(/=.*/, '=<path>') };
  console.log(`CLI first line: median ${cli.medianMs} ms wall, ${cli.medianCpuMs ?? '?'} ms CPU (${xs.join(', ')})`);
} catch (e) {
  cli = { error: (e as Error).message };
  console.log(`CLI: ${cli.error}`);
}

// The same with an entry point that registers only the lab command: what the lab itself costs,
// without the imports of the other commands that src/cli/main.ts loads eagerly.
let cliLabOnly: { runsMs: number[]; medianMs: number; medianCpuMs?: number } | { error: string };
try {
  const xs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < cliRuns; i++) {
    const r = await timeCli(cliFile, join(root, 'test/lab/fixtures/lab-cli-entry.ts'));
    xs.push(round(r.ms));
    if (r.cpuMs !== undefined) cpu.push(r.cpuMs);
  }
  cliLabOnly = { runsMs: xs, medianMs: round(median(xs)), ...(cpu.length ? { medianCpuMs: median(cpu) } : {}) };
  console.log(`CLI (lab command only) first line: median ${cliLabOnly.medianMs} ms wall, ${cliLabOnly.medianCpuMs ?? '?'} ms CPU (${xs.join(', ')})`);
} catch (e) {
  cliLabOnly = { error: (e as Error).message };
}

// Compiled with tsc and run with plain node (no tsx hooks on every module): how `dnswhy lab` starts
// from a build. Both the lab-only entry and the full src/cli/main.ts.
async function compiledRuns(): Promise<Record<string, unknown>> {
  const dist = mkdtempSync(join(tmpdir(), 'dnswhy-dist-'));
  try {
    // Type errors elsewhere in the tree do not stop tsc from emitting.
    await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root, '--outDir', dist]).catch(() => undefined);
    symlinkSync(join(root, 'node_modules'), join(dist, 'node_modules'));
    copyFileSync(join(root, 'package.json'), join(dist, 'package.json'));
    const out: Record<string, unknown> = {};
    for (const [label, entry] of [['labOnly', 'test/lab/fixtures/lab-cli-entry.js'], ['fullMain', 'src/cli/main.js']] as const) {
      try {
        const xs: number[] = [];
        const cpu: number[] = [];
        for (let i = 0; i < cliRuns; i++) {
          const r = await timeCli(cliFile, join(dist, entry), []);
          xs.push(round(r.ms));
          if (r.cpuMs !== undefined) cpu.push(r.cpuMs);
        }
        out[label] = { runsMs: xs, medianMs: round(median(xs)), ...(cpu.length ? { medianCpuMs: median(cpu) } : {}) };
        console.log(`compiled CLI (${label}) first line: median ${round(median(xs))} ms wall, ${cpu.length ? median(cpu) : '?'} ms CPU (${xs.join(', ')})`);
      } catch (e) {
        out[label] = { error: (e as Error).message };
      }
    }
    return out;
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}
const cliCompiled = await compiledRuns();

// As a user runs it: bin/dnswhy.js (in-process; the compiled build from `npm run build` when fresh).
let cliBin: { runsMs: number[]; medianMs: number; medianCpuMs?: number; compiled: boolean } | { error: string };
try {
  const xs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < cliRuns; i++) {
    const r = await timeCli(cliFile, join(root, 'bin', 'dnswhy.js'), []);
    xs.push(round(r.ms));
    if (r.cpuMs !== undefined) cpu.push(r.cpuMs);
  }
  const compiled = existsSync(join(root, 'dist', '.build-stamp'));
  cliBin = { runsMs: xs, medianMs: round(median(xs)), ...(cpu.length ? { medianCpuMs: median(cpu) } : {}), compiled };
  console.log(`bin/dnswhy.js first line: median ${cliBin.medianMs} ms wall (${compiled ? 'compiled build' : 'tsx'}; ${xs.join(', ')})`);
} catch (e) {
  cliBin = { error: (e as Error).message };
}

const all = Object.values(perScenario).map((s) => s.medianMs);
const result = {
  bench: 'lab-startup',
  date: new Date().toISOString(),
  node: process.version,
  loadAverage1m: round(loadavg()[0]!),
  runsPerScenario: runs,
  inProcess: { medianOfMediansMs: round(median(all)), maxMedianMs: Math.max(...all), medianOfMedianCpuMs: round(median(Object.values(perScenario).map((s) => s.medianCpuMs))), perScenario },
  cli,
  cliLabOnly,
  cliCompiled,
  cliBin,
  goalMs: 1000,
  // First stdout line under a second, per way of running the CLI.
  goalMet: {
    tsxMain: 'medianMs' in cli ? cli.medianMs < 1000 : false,
    tsxLabOnly: 'medianMs' in cliLabOnly ? cliLabOnly.medianMs < 1000 : false,
    compiledLabOnly: ((cliCompiled['labOnly'] as { medianMs?: number })?.medianMs ?? Infinity) < 1000,
    compiledMain: ((cliCompiled['fullMain'] as { medianMs?: number })?.medianMs ?? Infinity) < 1000,
    bin: 'medianMs' in cliBin ? cliBin.medianMs < 1000 : false,
  },
};
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'lab-startup.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote bench/results/lab-startup.json (load average ${result.loadAverage1m})`);
