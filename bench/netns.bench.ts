/**
 * Start-up and tear-down of the netns lab backend (src/lab/netns), inside its crash-safe wrapper
 * (the bench re-runs itself there). Per scenario, BENCH_RUNS (default 5) times: `startLab` with
 * backend netns until the API answers and every namespace, agent, nft table and server is up, then
 * `stop()` until every namespace is deleted. `fabricOnly`: the bridge, node, outside and pod
 * namespaces with their veths and routes, without the DNS world. `wrapperExit`: from SIGKILL of a
 * running `dnswhy lab --backend netns` until no process and no namespace of it is left (what the
 * crash test checks). The load average is recorded: the figures move a lot on a busy 2-core box.
 * Writes bench/results/netns.json. Run: npx tsx bench/netns.bench.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../src/lab/lab.js';
import { LabNamespaces } from '../src/lab/netns/lab-namespaces.js';
import { insideWrapper, prepareInside, wrapperFlags } from '../src/lab/netns/wrapper.js';
import { loadScenarioFile } from '../src/lab/scenario/load-scenario.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const scenarios = ['healthy-cluster.yaml', '000-hybrid-cloud-split-horizon.yaml', '001-conntrack-udp-loss-timeouts.yaml'];
const outFile = join(root, 'bench/results/netns.json');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;
const ms = (t0: bigint) => round(Number(process.hrtime.bigint() - t0) / 1e6);

async function inside(): Promise<void> {
  prepareInside();
  const load = [loadavg()[0]!];
  const perScenario: Record<string, unknown> = {};
  for (const name of scenarios) {
    const file = join(root, 'scenarios', name);
    const s = loadScenarioFile(file);
    const start: number[] = [];
    const stop: number[] = [];
    const fabric: number[] = [];
    const fabricDown: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = process.hrtime.bigint();
      const lab = await startLab(file, { backend: 'netns' });
      start.push(ms(t));
      t = process.hrtime.bigint();
      await lab.stop();
      stop.push(ms(t));
      t = process.hrtime.bigint();
      const nsl = await LabNamespaces.create(s.nodes, s.resolvers.map((r) => r.ip));
      for (const p of s.pods) if (!p.hostNetwork) await nsl.ensurePod({ key: p.ip, ip: p.ip, node: p.node });
      fabric.push(ms(t));
      t = process.hrtime.bigint();
      await nsl.destroy();
      fabricDown.push(ms(t));
    }
    perScenario[name] = {
      namespaces: 3 + s.nodes.length + s.pods.filter((p) => !p.hostNetwork).length + s.coredns.pods.length,
      startMs: start,
      medianStartMs: median(start),
      stopMs: stop,
      medianStopMs: median(stop),
      fabricOnly: { upMs: fabric, medianUpMs: median(fabric), downMs: fabricDown, medianDownMs: median(fabricDown) },
    };
  }
  load.push(loadavg()[0]!);
  process.stdout.write(`${JSON.stringify({ perScenario, loadAverage1mInside: load })}\n`);
}

/** From SIGKILL of `dnswhy lab --backend netns` until none of its processes or namespaces is left. */
async function wrapperExitMs(): Promise<number> {
  const nets = () => new Set(spawnSync('lsns', ['-t', 'net', '-n', '-o', 'NS'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean));
  const agents = () => spawnSync('pgrep', ['-f', 'dnswhy-lab-agent='], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const before = nets();
  const agentsBefore = agents();
  const lab = spawn(process.execPath, [join(root, 'bin/dnswhy.js'), 'lab', '--backend', 'netns', join(root, 'scenarios/healthy-cluster.yaml')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve) => lab.stdout.on('data', (c) => ((out += c), out.includes('# try:') && resolve())));
  // Only this lab's namespaces (its agents'): other processes on the machine make their own.
  const ours = agents().filter((p) => !agentsBefore.includes(p));
  const ourNets = ours.map((p) => spawnSync('readlink', [`/proc/${p}/ns/net`], { encoding: 'utf8' }).stdout.trim().replace(/^net:\[(\d+)\]$/, '$1')).filter((n) => !before.has(n));
  const t = process.hrtime.bigint();
  lab.kill('SIGKILL');
  for (;;) {
    const now = nets();
    if (!ourNets.some((n) => now.has(n))) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return ms(t);
}

async function main(): Promise<void> {
  if (insideWrapper()) return inside();
  const flags = wrapperFlags();
  if ('problem' in flags) throw new Error(`netns bench cannot run here: ${flags.problem}`);
  const loadBefore = loadavg()[0]!;
  const child = spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', ...flags.flags, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    encoding: 'utf8',
    env: { ...process.env, DNSWHY_NETNS_WRAPPED: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`the bench inside the wrapper failed (${child.status})`);
  const insideResult = JSON.parse(child.stdout.trim().split('\n').pop()!);
  const exits: number[] = [];
  for (let i = 0; i < 3; i++) exits.push(await wrapperExitMs());
  const result = {
    bench: 'netns',
    date: new Date().toISOString(),
    node: process.version,
    kernel: spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim(),
    loadAverage1m: loadBefore,
    loadAverage1mAfter: loadavg()[0],
    runsPerScenario: runs,
    ...insideResult,
    wrapperExit: { afterSigkillMs: exits, medianMs: median(exits) },
  };
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

await main();
