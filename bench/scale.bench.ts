/**
 * The lab at scale, through the commands a person types: `dnswhy lab generate` writes a healthy
 * scenario of the sizes below, `dnswhy lab FILE` starts it (time until it prints its kubeconfig,
 * and its RSS then), and against it `kubectl get pods -A`, `dnswhy health` (wall time and peak RSS
 * of the health process) and `dnswhy why` on one pod (wall time, verdict, finding ids, compared
 * with the same question on a small lab from the same generator). Each figure carries the 1-minute
 * load average taken when it was measured: the machine is shared.
 * Writes bench/results/scale.json. Run: npx tsx bench/scale.bench.ts (sizes: BENCH_NODES, BENCH_PODS).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** The sizes: 1,000 nodes, 30,000 pods in Deployments of 10, a Service per Deployment. */
export const scaleSizes = {
  nodes: Number(process.env.BENCH_NODES ?? 1000),
  pods: Number(process.env.BENCH_PODS ?? 30_000),
  podsPerDeployment: 10,
  serviceShare: 1,
};
/** The small lab the `why` verdict is compared with. */
const smallSizes = { nodes: 3, pods: 30, podsPerDeployment: 10, serviceShare: 1 };

const cli = join(root, 'bin', 'dnswhy.js');
const load = () => Math.round(loadavg()[0]! * 100) / 100;
const round = (x: number) => Math.round(x);

function ensureGnuTime(): string {
  if (existsSync('/usr/bin/time')) return '/usr/bin/time';
  // Peak RSS of a child process: GNU time reports it (Debian package "time").
  spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq time'], { stdio: 'inherit' });
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time (/usr/bin/time) is missing and could not be installed');
  return '/usr/bin/time';
}

function generate(dir: string, name: string, s: typeof scaleSizes): { file: string; ms: number } {
  const file = join(dir, `${name}.json`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'lab', 'generate', '--nodes', String(s.nodes), '--pods', String(s.pods), '--pods-per-deployment', String(s.podsPerDeployment), '--service-share', String(s.serviceShare), '--out', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lab generate failed: ${r.stderr}`);
  return { file, ms: round(performance.now() - t0) };
}

interface RunningLab {
  child: ChildProcess;
  kubeconfig: string;
  readyMs: number;
  rssMbAtReady: number;
  loadAtReady: number;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function startLabProcess(file: string, dir: string): Promise<RunningLab> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'lab', file, '--kubeconfig-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the lab did not start within 180 s: ${err.slice(-500)}`)), 180_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('export KUBECONFIG=')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the lab exited with ${code}: ${err.slice(-500)}`));
    });
  });
  const readyMs = round(performance.now() - t0);
  return { child, kubeconfig: join(dir, 'kubeconfig'), readyMs, rssMbAtReady: rssMb(child.pid!), loadAtReady: load() };
}

async function stopLab(lab: RunningLab): Promise<void> {
  const exited = new Promise<void>((r) => lab.child.once('exit', () => r()));
  lab.child.kill('SIGINT');
  const timer = setTimeout(() => lab.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Runs a command under GNU time: wall ms, peak RSS (MB) and output. */
function timed(time: string, argv: string[], env: NodeJS.ProcessEnv): { ms: number; peakRssMb: number; status: number | null; stdout: string; stderr: string; load: number } {
  const t0 = performance.now();
  const r = spawnSync(time, ['-f', '__time %M', ...argv], { env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = round(performance.now() - t0);
  const m = /__time (\d+)/.exec(r.stderr);
  return { ms, peakRssMb: m ? Math.round(Number(m[1]) / 1024) : NaN, status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/__time \d+\n?/, ''), load: load() };
}

interface WhyOutcome {
  ms: number;
  load: number;
  verdict: string;
  findings: string[];
  reportMs?: number;
}

function why(time: string, env: NodeJS.ProcessEnv, pod: string, name: string): WhyOutcome {
  const r = timed(time, [process.execPath, cli, 'why', pod, name, '--json'], env);
  try {
    const report = JSON.parse(r.stdout) as { verdict: string; findings: { checkId: string }[]; durationMs?: number };
    return { ms: r.ms, load: r.load, verdict: report.verdict, findings: report.findings.map((f) => f.checkId).sort(), ...(report.durationMs !== undefined ? { reportMs: report.durationMs } : {}) };
  } catch {
    return { ms: r.ms, load: r.load, verdict: `no report (exit ${r.status}): ${r.stderr.trim().slice(-300)}`, findings: [] };
  }
}

async function main(): Promise<void> {
  const time = ensureGnuTime();
  // The CLI runs its compiled build when it is fresh: build it so no figure includes tsx compiling.
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-scale-'));
  try {
    const big = generate(dir, 'scale', scaleSizes);
    const small = generate(dir, 'small', smallSizes);
    const scenario = JSON.parse(readFileSync(big.file, 'utf8')) as { expect: { why: { pod: string; name: string; port?: number } }[] };
    const q = scenario.expect[0]!.why;
    const target = { pod: q.pod, name: q.port ? `${q.name}:${q.port}` : q.name };
    const smallQ = (JSON.parse(readFileSync(small.file, 'utf8')) as typeof scenario).expect[0]!.why;

    console.log(`${new Date().toISOString()} starting the ${scaleSizes.nodes}-node / ${scaleSizes.pods}-pod lab (load ${load()})`);
    const lab = await startLabProcess(big.file, join(dir, 'kc-big'));
    console.log(`lab ready in ${lab.readyMs} ms, RSS ${lab.rssMbAtReady} MB (load ${lab.loadAtReady})`);
    const env = { ...process.env, KUBECONFIG: lab.kubeconfig };
    let kubectl, kubectlUnchunked, health, whyBig;
    try {
      // kubectl asks for 500 pods a page and, like every client-go client, sends at most 5 requests
      // a second after a burst of 10: 60 pages cost about 10 s of its own waiting. Both are recorded.
      const k = timed(time, ['kubectl', 'get', 'pods', '-A', '-v=4'], env);
      kubectl = { ms: k.ms, load: k.load, rows: k.stdout.trim().split('\n').length - 1, status: k.status, clientSideThrottlingWaits: (k.stderr.match(/client-side throttling/g) ?? []).length };
      const k0 = timed(time, ['kubectl', 'get', 'pods', '-A', '--chunk-size=0'], env);
      kubectlUnchunked = { ms: k0.ms, load: k0.load, rows: k0.stdout.trim().split('\n').length - 1, status: k0.status };
      console.log('kubectl get pods -A', kubectl, 'with --chunk-size=0', kubectlUnchunked);
      const h = timed(time, [process.execPath, cli, 'health', '--json'], env);
      let status = `exit ${h.status}`;
      try {
        status = (JSON.parse(h.stdout) as { status: string }).status;
      } catch {
        status += `: ${h.stderr.trim().slice(-300)}`;
      }
      health = { ms: h.ms, peakRssMb: h.peakRssMb, load: h.load, status };
      console.log('dnswhy health', health);
      whyBig = why(time, env, target.pod, target.name);
      console.log(`dnswhy why ${target.pod} ${target.name}`, whyBig);
    } finally {
      await stopLab(lab);
    }
    const smallLab = await startLabProcess(small.file, join(dir, 'kc-small'));
    let whySmall;
    try {
      whySmall = why(time, { ...process.env, KUBECONFIG: smallLab.kubeconfig }, smallQ.pod, smallQ.port ? `${smallQ.name}:${smallQ.port}` : smallQ.name);
      console.log('dnswhy why on the small lab', whySmall);
    } finally {
      await stopLab(smallLab);
    }

    const out = {
      bench: 'scale',
      at: new Date().toISOString(),
      node: process.version,
      sizes: scaleSizes,
      generateMs: big.ms,
      labStartup: { readyMs: lab.readyMs, rssMb: lab.rssMbAtReady, loadAverage1m: lab.loadAtReady, goal: { readyMs: 10_000, rssMb: 600 } },
      kubectlGetPodsAll: { ...kubectl, goalMs: 3000, unchunked: kubectlUnchunked },
      health: { ...health, goal: { ms: 10_000, peakRssMb: 300 } },
      why: { target, ...whyBig, goalMs: 2000, smallLab: { sizes: smallSizes, target: smallQ, ...whySmall }, sameVerdictAsSmallLab: whyBig.verdict === whySmall.verdict && JSON.stringify(whyBig.findings) === JSON.stringify(whySmall.findings) },
    };
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(join(root, 'bench', 'results', 'scale.json'), JSON.stringify(out, null, 2) + '\n');
    console.log('wrote bench/results/scale.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
