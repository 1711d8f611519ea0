/**
 * Slack bot figures, through the real pieces (redis-server, BullMQ, the app in HTTP mode with
 * signature checks, the Slack emulator, cluster workers on the embedded lab): for each seed
 * scenario (first `expect.why` of scenarios/0*.yaml), the time from the slash command to the first
 * thread message that names the expected cause, and to the report, through Redis, the cluster
 * worker and the delivery worker, with the diagnosis time alone. (The ack latency, with the bot in
 * its own process, is bench/ack.bench.ts.) The emulator runs in its own process (Slack is remote),
 * and the machine's load average is recorded with each row.
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
import { bullConnection } from '../src/queue/connection.js';
import { startLocalRedis } from '../src/store/local-redis.js';
import { Queues } from '../src/queue/queues.js';
import { startSlackApp } from '../src/slack/app.js';
import { sendSigned, slashCommandBody } from '../src/emulators/slack/signed-request.js';

const root = join(import.meta.dirname, '..');
const secret = 'bench-signing-secret-0123456789';

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

  // Slash command to report for each seed scenario.
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
      const causeIds = expectation?.findings ?? [];
      let firstCauseMs: number | undefined;
      // The first thread message (a progress update or the report) that names an expected cause.
      const noteCause = (ms: { channel: string; threadTs?: string; text: string; blocks?: unknown[] }[]) => {
        if (firstCauseMs !== undefined || causeIds.length === 0) return;
        if (ms.some((m) => m.channel === channelId && m.threadTs !== undefined && causeIds.some((id) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`.includes(id)))) firstCauseMs = Math.round(performance.now() - t0);
      };
      const findReport = async () => ((ms) => (noteCause(ms), ms))(await messages()).find((m) => m.channel === channelId && m.threadTs !== undefined && (m.text.startsWith('Broken:') || m.text.startsWith('Healthy:') || m.text.includes('Could not diagnose')));
      const report = await waitFor(findReport, (m) => m !== undefined, 120_000);
      const elapsed = performance.now() - t0;
      const done = (await queues.cluster(cluster).getJobs(['completed', 'failed'])).find((j) => j.name === 'diagnose');
      const diagnosisMs = done?.finishedOn && done.processedOn ? done.finishedOn - done.processedOn : undefined;
      const shown = report ? JSON.stringify(report.blocks ?? []) : '';
      const expectedFindingsShown = (expectation?.findings ?? []).every((f) => shown.includes(f));
      const row = { scenario: file, labStartMs, status: res.status, expectedFindings: expectation?.findings ?? [], expectedFindingsShown, reported: report ? (report.text.startsWith('Broken') ? 'broken' : report.text.startsWith('Healthy') ? 'healthy' : 'failed') : 'timeout', commandToReportMs: Math.round(elapsed), firstCauseMs, diagnosisMs, loadAverage1m: Math.round(loadavg()[0]! * 100) / 100, overheadMs: diagnosisMs !== undefined ? Math.round(elapsed - diagnosisMs) : undefined };
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
  const out = { bench: 'slack', at: new Date().toISOString(), node: process.version, loadavg: loadavg().map((x) => Math.round(x * 100) / 100), goals: { commandToReportMs: 1500, deadOrLossyPathMs: 4000, firstCauseMs: 1000 }, commandToReport: perScenario };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'slack.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('wrote bench/results/slack.json');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
