/**
 * Ack latency of `/dns why` as Slack sees it: the bot runs as `dnswhy serve` in its own process
 * (HTTP mode, signature checks, a real redis-server), the Slack emulator in another, and this
 * process is only the client that sends the signed commands. After a warm-up batch, 200 distinct
 * commands are sent 50 at a time and the time to each HTTP 200 is measured, for
 * 1. `serve --role app` (the app alone; a cluster looks alive through its registry heartbeat), and
 * 2. `serve` all-in-one (`--role all`: the app, the lab and its worker in one process), where the
 *    worker diagnoses every command it enqueued while the acks are being measured.
 * Every command is a valid `/dns why` (lowercase names: an ack with a body is a usage error, and
 * counted as one), so the whole after-ack path runs. Besides the latencies, each role records what
 * the load average cannot blur: the serve process's CPU time per command (user + system, from
 * /proc), and the Redis commands and Slack Web API calls per command, counted while the measured
 * batches and their after-ack work run (all-in-one adds the worker's own Redis commands).
 * The machine's 1-minute load average is recorded with each figure.
 * Writes bench/results/ack.json. Run: npx tsx bench/ack.bench.ts (BENCH_CPU_PROF_DIR=DIR: each serve
 * process writes a CPU profile there, the evidence of where an ack's time goes)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ClusterRegistry } from '../src/store/cluster-registry.js';
import { startLocalRedis } from '../src/store/local-redis.js';
import { sendSigned, slashCommandBody } from '../src/emulators/slack/signed-request.js';

const root = join(import.meta.dirname, '..');
const secret = 'bench-signing-secret-0123456789';
const total = Number(process.env.BENCH_COMMANDS ?? 200);
const batch = Number(process.env.BENCH_BATCH ?? 50);
const load = () => Math.round(loadavg()[0]! * 100) / 100;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Starts a child and resolves once a line of its output matches `ready`. */
async function startChild(argv: string[], env: NodeJS.ProcessEnv, ready: RegExp, what: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 120 s: ${out.slice(-800)}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.split('\n').find((l) => ready.test(l));
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${out.slice(-800)}`));
    });
  });
  return { child, line };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** One batch of signed commands, all at once; returns each one's time to the HTTP answer. */
async function sendBatch(url: string, tag: string, from: number, count: number, cluster: string): Promise<{ ms: number[]; non200: number; usageErrors: number }> {
  const ms: number[] = [];
  let non200 = 0;
  let usageErrors = 0;
  await Promise.all(
    Array.from({ length: count }, async (_, k) => {
      const i = from + k;
      // Pod and names are lowercase (DNS-1123); user and channel ids are Slack's uppercase ones.
      const body = slashCommandBody({ text: `why ${cluster}/default/web-${tag.toLowerCase()}-${i} name-${tag.toLowerCase()}-${i}.example.org`, user: `U0${tag}${i}`, channel: `C0${tag}${i}` });
      const t0 = performance.now();
      const res = await sendSigned(url, secret, body);
      ms.push(performance.now() - t0);
      if (res.status !== 200) non200 += 1;
      // A /dns why is acked with an empty body; a body is the usage error (or help) as the ack.
      else if (res.body !== '') usageErrors += 1;
    }),
  );
  return { ms, non200, usageErrors };
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Commands Redis has processed so far (every client). */
async function redisCommands(redis: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1] ?? NaN);
}

/** Slack Web API calls the emulator has answered so far for channels of this role. */
async function slackCalls(apiUrl: string, channelPrefix: string): Promise<Record<string, number>> {
  const calls = (await (await fetch(apiUrl.replace(/\/api\/$/, '/_emulator/calls'))).json()) as { method: string; args: { channel?: unknown } }[];
  const out: Record<string, number> = {};
  for (const c of calls) if (typeof c.args.channel === 'string' && c.args.channel.startsWith(channelPrefix)) out[c.method] = (out[c.method] ?? 0) + 1;
  return out;
}

/** Parent messages posted so far in channels of this role (one per started diagnosis). */
async function parentsPosted(apiUrl: string, channelPrefix: string): Promise<number> {
  const calls = (await (await fetch(apiUrl.replace(/\/api\/$/, '/_emulator/calls'))).json()) as { method: string; ok: boolean; args: { channel?: unknown; thread_ts?: unknown } }[];
  return calls.filter((c) => c.method === 'chat.postMessage' && c.ok && c.args.thread_ts === undefined && typeof c.args.channel === 'string' && c.args.channel.startsWith(channelPrefix)).length;
}

/** Waits until every command has its parent message (the starts run on the delivery worker). */
async function untilParents(apiUrl: string, channelPrefix: string, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await parentsPosted(apiUrl, channelPrefix)) < expected) {
    if (Date.now() > deadline) throw new Error(`only ${await parentsPosted(apiUrl, channelPrefix)} of ${expected} parent messages were posted within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until `read` stops changing for `quietMs` (the after-ack work of the last batch is done). */
async function settle(read: () => Promise<number>, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
}

interface AckFigures {
  role: string;
  commands: number;
  concurrency: number;
  warmUp: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non200: number;
  usageErrors: number;
  /** From the first measured command until every one of them has its parent message. */
  threadsPostedMs: number;
  /** Per measured command, its after-ack work included. */
  perCommand: { serveCpuMs: number; redisCommands: number; slackCalls: number; slackCallsByMethod: Record<string, number> };
  loadAverage1m: { before: number; after: number };
  goalP99Ms: number;
}

async function measure(role: 'app' | 'all', redisUrl: string, apiUrl: string, goalP99Ms: number): Promise<AckFigures> {
  const port = await freePort();
  const cluster = role === 'app' ? 'benchapp' : 'benchall';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLACK_BOT_TOKEN: 'xoxb-emulator',
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: apiUrl,
    PORT: String(port),
    DNSWHY_OPS_PORT: '0',
    DNSWHY_OPS_HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    DNSWHY_CLUSTER: cluster,
    DNSWHY_APPROVERS: 'U0APPROVER',
    DNSWHY_LOG_LEVEL: 'error',
    ...(role === 'all' ? { DNSWHY_LAB: join(root, 'scenarios', 'healthy-cluster.yaml') } : {}),
  };
  const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const serve = await startChild([...prof, join(root, 'bin', 'dnswhy.js'), 'serve', '--role', role], env, /Slack app listening/, `serve --role ${role}`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    // --role app has no worker: a live heartbeat makes the cluster look served, so every command
    // does the whole app-side path (the registry read, the thread, the enqueue).
    if (role === 'app') await new ClusterRegistry(redis).beat(cluster, 'bench-worker', 600_000);
    const url = `http://127.0.0.1:${port}/slack/events`;
    const tag = role.toUpperCase();
    const pid = serve.child.pid!;
    await sendBatch(url, `${tag}W`, 0, batch, cluster);
    const slackTotal = async () => Object.values(await slackCalls(apiUrl, `C0${tag}`)).reduce((a, b) => a + b, 0);
    // The warm-up's after-ack work (and, all-in-one, its diagnoses) ends before the measure starts:
    // every warm-up command has its thread, then Slack sees no call for 1.5 s.
    await untilParents(apiUrl, `C0${tag}W`, batch, 300_000);
    await settle(slackTotal, 1500, 60_000);
    // Redis also serves the idle polling of BullMQ and of this client's INFO: its rate is taken off.
    const idle0 = await redisCommands(redis);
    const idleStart = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const idlePerMs = ((await redisCommands(redis)) - idle0) / (performance.now() - idleStart);
    const before = load();
    const cpu0 = cpuMsOf(pid);
    const redis0 = await redisCommands(redis);
    const t0 = performance.now();
    const slack0 = await slackCalls(apiUrl, `C0${tag}`);
    const acks: number[] = [];
    let non200 = 0;
    let usageErrors = 0;
    for (let start = 0; start < total; start += batch) {
      const r = await sendBatch(url, tag, start, Math.min(batch, total - start), cluster);
      acks.push(...r.ms);
      non200 += r.non200;
      usageErrors += r.usageErrors;
    }
    const after = load();
    await untilParents(apiUrl, `C0${tag}`, batch + total, 300_000);
    // From the first measured command to the last one's parent message (the flood's threads are out).
    const threadsPostedMs = Math.round(performance.now() - t0);
    await settle(slackTotal, 1500, 120_000);
    const cpuMs = cpuMsOf(pid) - cpu0;
    const redisCount = (await redisCommands(redis)) - redis0 - idlePerMs * (performance.now() - t0);
    const slack1 = await slackCalls(apiUrl, `C0${tag}`);
    const byMethod = Object.fromEntries(Object.entries(slack1).map(([m, n]) => [m, Math.round(((n - (slack0[m] ?? 0)) / total) * 100) / 100]));
    const perCommand = {
      serveCpuMs: Math.round((cpuMs / total) * 100) / 100,
      redisCommands: Math.round((redisCount / total) * 10) / 10,
      slackCalls: Math.round((Object.values(byMethod).reduce((a, b) => a + b, 0)) * 100) / 100,
      slackCallsByMethod: byMethod,
    };
    const figures = { role: `serve --role ${role}`, commands: total, concurrency: batch, warmUp: batch, p50Ms: pct(acks, 50), p99Ms: pct(acks, 99), maxMs: pct(acks, 100), non200, usageErrors, threadsPostedMs, perCommand, loadAverage1m: { before, after }, goalP99Ms };
    console.log(new Date().toISOString(), figures);
    return figures;
  } finally {
    redis.disconnect();
    await stopChild(serve.child);
  }
}

async function main(): Promise<void> {
  // The bot runs its compiled build when it is fresh: build it so no figure includes tsx compiling.
  if (spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
  const redisServer = await startLocalRedis();
  const emu = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'slack-emulator-child.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      emu.stdout!.once('data', (d) => resolve(d.toString().trim()));
      emu.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    });
    const apiUrl = `${baseUrl}/api/`;
    const app = await measure('app', redisServer.url, apiUrl, 20);
    const all = await measure('all', redisServer.url, apiUrl, 50);
    const out = { bench: 'ack', at: new Date().toISOString(), node: process.version, client: 'this process (the bot and the Slack emulator each run in their own)', app, allInOne: all };
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(join(root, 'bench', 'results', 'ack.json'), JSON.stringify(out, null, 2) + '\n');
    console.log('wrote bench/results/ack.json');
  } finally {
    emu.kill('SIGTERM');
    await redisServer.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
