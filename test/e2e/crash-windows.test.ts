/**
 * The crash windows of the Slack side, each closed and tested by killing the app process at that
 * point (it SIGKILLs itself there, see helpers/app-child.ts) and starting another app instance:
 *
 * - between posting a diagnosis thread and enqueuing its job: the question must not stay blocked
 *   as "already running"; the new instance enqueues the recorded job and the answer lands in the
 *   original thread;
 * - between uploading an evidence file and recording it: the retried delivery finds the file in
 *   the thread instead of uploading it twice.
 *
 * Real redis-server, BullMQ, the Slack emulator; the cluster worker runs a fake diagnosis (mocked
 * cluster) in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startClusterWorker, type RunningWorker } from '../../jobs/cluster-worker.js';
import { bullConnection } from '../../src/queue/connection.js';
import { Queues } from '../../src/queue/queues.js';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/app.js';
import { actionIds } from '../../src/slack/ids.js';
import { blockActionsBody, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/emulators/slack/slack-emulator.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { buttons, messageText } from '../slack/helpers/bot-harness.js';

const secret = 'crash-window-secret-0123456789';
const channel = 'C0CRASH';
const log = pino({ level: process.env.DNSWHY_TEST_LOG ?? 'silent' });

interface World {
  server: RedisHandle;
  redis: Redis;
  queues: Queues;
  slack: SlackEmulator;
  worker: RunningWorker;
  runtime: FakeRuntime;
  child?: ChildProcess;
  app?: RunningSlackApp;
}

let world: World | undefined;

async function startWorld(runtime: FakeRuntime): Promise<World> {
  const server = await startRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const queues = new Queues(bullConnection(server.url), log);
  const slack = await startSlackEmulator({ rateLimits: false, users: { U0ASKER: 'asker' } });
  const worker = await startClusterWorker({ connection: bullConnection(server.url), redis, queues, runtime, cluster: 'lab', log, heartbeatMs: 1000, progressIntervalMs: 0 });
  return { server, redis, queues, slack, worker, runtime };
}

/** Starts the app in a child that kills itself at `crashAt`; resolves with its events URL. */
async function crashingApp(w: World, crashAt: string): Promise<{ eventsUrl: string; crashed: Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'slack', 'helpers', 'app-child.ts')], {
    env: { ...process.env, REDIS_URL: w.server.url, SLACK_API_URL: w.slack.apiUrl, SIGNING_SECRET: secret, CRASH_AT: crashAt, INSTANCE_TTL_MS: '1500' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  w.child = child;
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  const crashed = new Promise<void>((r) => child.once('exit', () => r()));
  const eventsUrl = await w.slack.waitFor('child app ready', () => /ready (\S+)/.exec(out)?.[1], 30_000);
  return { eventsUrl, crashed: crashed.then(() => expect(out).toContain(`crashing ${crashAt}`)) };
}

/** A second app instance in this process, on the same Redis and emulator. */
function secondApp(w: World): Promise<RunningSlackApp> {
  return startSlackApp({
    botToken: 'xoxb-emulator', signingSecret: secret, apiUrl: w.slack.apiUrl, port: 0, host: '127.0.0.1', redis: w.redis, connection: bullConnection(w.server.url), queues: w.queues, log,
    approvers: { users: ['U0APPROVER'], groups: [] }, forbidSelfApproval: true, proposalTtlSeconds: 3600, dedupeWindowSeconds: 3600, channelIntervalMs: 0, webRetries: 0, resumeIntervalMs: 500,
  });
}

afterEach(async () => {
  const w = world;
  world = undefined;
  if (!w) return;
  w.child?.kill('SIGKILL');
  await w.app?.stop();
  await w.worker.close(1000);
  await w.queues.close();
  w.redis.disconnect();
  await w.slack.stop();
  await w.server.stop();
});

describe('crash windows of the Slack app (fake diagnosis, mocked cluster)', { timeout: 90_000 }, () => {
  it('resumes a diagnosis whose app died between posting its thread and enqueuing its job, in that thread', async () => {
    const w = (world = await startWorld(new FakeRuntime({ name: 'lab' })));
    const child = await crashingApp(w, 'before-enqueue');
    await sendSigned(child.eventsUrl, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: 'U0ASKER', channel }));
    await child.crashed;
    const parent = await w.slack.waitFor('parent', () => w.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    expect(await w.queues.cluster('lab').getJobs(['waiting', 'prioritized', 'active', 'completed'])).toHaveLength(0);
    // Another app instance notices once the dead one's heartbeat is gone.
    w.app = await secondApp(w);
    const fix = await w.slack.waitFor('fix in the original thread', () => w.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.approveFix]), 30_000);
    expect(fix.threadTs).toBe(parent.ts);
    const thread = w.slack.thread(channel, parent.ts);
    expect(thread.filter((m) => messageText(m).includes('Recommended fix:*'))).toHaveLength(1);
    expect(w.slack.messages.filter((m) => m.channel === channel && !m.threadTs)).toHaveLength(1);
    expect(w.runtime.diagnoses).toBe(1);
    // The question is free again afterwards: asking again starts a new diagnosis.
    await sendSigned(w.app.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: 'U0ASKER', channel }));
    await w.slack.waitFor('second parent', () => w.slack.messages.filter((m) => m.channel === channel && !m.threadTs).length === 2 || undefined, 20_000);
  });

  // The report's long details are uploaded when Show details is pressed; the crash window is there now.
  it('uploads the details file once when the app died between uploading it and recording it', async () => {
    const w = (world = await startWorld(new FakeRuntime({ name: 'lab', extraFindings: 30 })));
    const child = await crashingApp(w, 'after-upload');
    await sendSigned(child.eventsUrl, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: 'U0ASKER', channel }));
    const parent = await w.slack.waitFor('parent', () => w.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    const report = await w.slack.waitFor('report', () => w.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.showDetails]), 30_000);
    const details = (url: string) => sendSigned(url, secret, blockActionsBody({ user: 'U0ASKER', channel, messageTs: report.ts, threadTs: parent.ts, actionId: actionIds.showDetails, value: buttons(report)[actionIds.showDetails]! }));
    await details(child.eventsUrl).catch(() => undefined);
    await child.crashed;
    expect(w.slack.thread(channel, parent.ts).filter((m) => m.files)).toHaveLength(1);
    // A new app instance; the reader presses Show details again: the file is found, not uploaded twice.
    w.app = await secondApp(w);
    await details(w.app.eventsUrl!);
    for (let i = 0; i < 100 && !(await w.redis.hget(`dnswhy:report:${buttons(report)[actionIds.showDetails]}`, 'details')); i++) await new Promise((r) => setTimeout(r, 100));
    const thread = w.slack.thread(channel, parent.ts);
    expect(thread.filter((m) => m.files)).toHaveLength(1);
    expect(w.slack.callsOf('files.completeUploadExternal').filter((c) => c.ok)).toHaveLength(1);
    const keys = thread.map((m) => m.metadata?.event_payload.key).filter((k): k is string => typeof k === 'string');
    expect(new Set(keys).size).toBe(keys.length);
  });
});
