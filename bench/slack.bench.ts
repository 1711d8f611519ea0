/**
 * Slack bot figures, through the real pieces (redis-server, BullMQ, the app in HTTP mode with
 * signature checks, the Slack emulator, cluster workers on the embedded lab):
 * 1. ack latency (p50/p99) of 200 signed `/dns why` commands sent 50 at a time (each command then
 *    does the app-side work: join check, parent + progress posts, enqueue);
 * 2. slash-command-to-report time for each seed scenario (first `expect.why` of scenarios/0*.yaml),
 *    through Redis, the cluster worker and the delivery worker, with the diagnosis time alone.
 * The emulator runs in its own process (Slack is remote), and the machine's load average is
 * recorded: on a busy 2-core box the ack figures move a lot.
 * Writes bench/results/slack.json. Run: npx tsx bench/slack.bench.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { startClusterWorker } from '../jobs/cluster-worker.js';
import { openClusterRuntime } from '../jobs/open-cluster-runtime.js';
import { ClusterRegistry } from '../src/store/cluster-registry.js';
import { bullConnection } from '../src/queue/connection.js';
import { startLocalRedis } from '../src/store/local-redis.js';
import { Queues } from '../src/queue/queues.js';
import { startSlackApp } from '../src/slack/app.js';
import { sendSigned, slashCommandBody } from '../src/emulators/slack/signed-request.js';

const root = join(import.meta.dirname, '..');
const secret = 'bench-signing-secret-0123456789';
const total = Number(process.env.BENCH_COMMANDS ?? 200);
const batch = Number(process.env.BENCH_BATCH ?? 50);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
}

/** Polls `read` until `done` holds or the time is up; returns the last value read. */
async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function main(): Promise<void> {
  const log = pino({ level: 'silent' });
  const redisServer = await startLocalRedis();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const connection = bullConnection(redisServer.url);
  const queues = new Queues(connection, log);
  // Slack: the emulator in a child process (remote, as Slack is), inspected over HTTP.
  const emu = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'slack-emulator-child.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    emu.stdout!.once('data', (d) => resolve(d.toString().trim()));
    emu.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const slack = { apiUrl: `${baseUrl}/api/`, baseUrl };
  const messages = async () => (await (await fetch(`${baseUrl}/_emulator/messages`)).json()) as { channel: string; ts: string; threadTs?: string; text: string; blocks?: unknown[] }[];
  const bot = await startSlackApp({ botToken: 'xoxb-emulator', signingSecret: secret, apiUrl: slack.apiUrl, port: 0, host: '127.0.0.1', redis, connection, queues, log, approvers: { users: [], groups: [] }, forbidSelfApproval: true, proposalTtlSeconds: 3600, dedupeWindowSeconds: 3600, webRetries: 0 });
  const url = bot.eventsUrl!;

  // 1. Ack latency. A live-looking cluster with no consumer: the app does all its work, no diagnosis runs.
  await new ClusterRegistry(redis).beat('bench', 'bench-worker', 600_000);
  const acks: number[] = [];
  let non200 = 0;
  for (let start = 0; start < total; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, total - start) }, async (_, k) => {
        const i = start + k;
        const body = slashCommandBody({ text: `why default/web-${i} name-${i}.example.org`, user: `U0BENCH${i}`, channel: `C0BENCH${i}` });
        const t0 = performance.now();
        const res = await sendSigned(url, secret, body);
        acks.push(performance.now() - t0);
        if (res.status !== 200) non200 += 1;
      }),
    );
  }
  const countParents = async () => (await messages()).filter((m) => m.channel.startsWith('C0BENCH') && !m.threadTs).length;
  const parents = await waitFor(countParents, (n) => n >= total, 60_000);
  // The work after each ack ends with an enqueue: wait until every job is there.
  let enqueued = 0;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    // Diagnoses wait with a priority (fixes pass them), so they are counted as prioritized.
    enqueued = await queues.cluster('bench').getJobCountByTypes('waiting', 'prioritized');
    if (enqueued >= total) break;
  }
  const ackLatency = { commands: total, concurrency: batch, p50Ms: pct(acks, 50), p99Ms: pct(acks, 99), maxMs: pct(acks, 100), non200, parentsPosted: parents, jobsEnqueued: enqueued };
  console.log(new Date().toISOString(), 'ack latency', ackLatency);

  // 2. Slash command to report for each seed scenario.
  const seeds = readdirSync(join(root, 'scenarios')).filter((f) => /^\d{3}-.*\.yaml$/.test(f)).sort();
  const perScenario: Record<string, unknown>[] = [];
  for (const [n, file] of seeds.entries()) {
    const doc = parseYaml(readFileSync(join(root, 'scenarios', file), 'utf8')) as { expect?: { why?: { pod: string; name: string }; findings?: string[] }[] };
    const expectation = doc.expect?.find((e) => e.why);
    const why = expectation?.why;
    if (!why) continue;
    const cluster = `seed-${n}`;
    const channelId = `C0SEED${n}`;
    console.error(`${new Date().toISOString()} ${file}: starting the lab`);
    const tLab = performance.now();
    const runtime = await openClusterRuntime({ name: cluster, lab: join(root, 'scenarios', file) });
    const labStartMs = Math.round(performance.now() - tLab);
    const worker = await startClusterWorker({ connection, redis, queues, runtime, cluster, log, heartbeatMs: 1000 });
    try {
      const t0 = performance.now();
      const pod = why.pod.includes('/') ? why.pod : `default/${why.pod}`;
      const res = await sendSigned(url, secret, slashCommandBody({ text: `why ${cluster}/${pod} ${why.name}`, user: 'U0SEED', channel: channelId }));
      const findReport = async () => (await messages()).find((m) => m.channel === channelId && m.threadTs !== undefined && (m.text.startsWith('Broken:') || m.text.startsWith('Healthy:') || m.text.includes('Could not diagnose')));
      const report = await waitFor(findReport, (m) => m !== undefined, 120_000);
      const elapsed = performance.now() - t0;
      const done = (await queues.cluster(cluster).getJobs(['completed', 'failed'])).find((j) => j.name === 'diagnose');
      const diagnosisMs = done?.finishedOn && done.processedOn ? done.finishedOn - done.processedOn : undefined;
      const shown = report ? JSON.stringify(report.blocks ?? []) : '';
      const expectedFindingsShown = (expectation?.findings ?? []).every((f) => shown.includes(f));
      const row = { scenario: file, labStartMs, status: res.status, expectedFindings: expectation?.findings ?? [], expectedFindingsShown, reported: report ? (report.text.startsWith('Broken') ? 'broken' : report.text.startsWith('Healthy') ? 'healthy' : 'failed') : 'timeout', commandToReportMs: Math.round(elapsed), diagnosisMs, overheadMs: diagnosisMs !== undefined ? Math.round(elapsed - diagnosisMs) : undefined };
      console.log(row);
      perScenario.push(row);
    } finally {
      const tClose = performance.now();
      await worker.close(5000);
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([runtime.close().then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), 15_000)))]);
      clearTimeout(timer);
      if (!stopped) console.error(`${file}: the lab did not stop within 15 s; going on`);
      console.error(`${new Date().toISOString()} ${file}: closed in ${Math.round(performance.now() - tClose)} ms`);
    }
  }

  await bot.stop();
  await queues.close();
  redis.disconnect();
  emu.kill('SIGTERM');
  await redisServer.stop();
  const out = { bench: 'slack', at: new Date().toISOString(), node: process.version, loadavg: loadavg().map((x) => Math.round(x * 100) / 100), ackLatency, commandToReport: perScenario };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'slack.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('wrote bench/results/slack.json');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
