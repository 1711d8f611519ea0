/**
 * The Slack app in its own process, to be killed at a chosen point by itself (SIGKILL, as a
 * crashing or OOM-killed pod dies): CRASH_AT=before-enqueue dies after a diagnosis thread was
 * posted and recorded, just before its job is enqueued; CRASH_AT=after-upload dies after an
 * evidence file was uploaded, just before the upload is recorded. Prints "ready <eventsUrl>".
 * Env: REDIS_URL, SLACK_API_URL, SIGNING_SECRET, INSTANCE_TTL_MS.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { bullConnection } from '../../../src/queue/connection.js';
import { clusterJobNames } from '../../../src/queue/names.js';
import { Queues } from '../../../src/queue/queues.js';
import { startSlackApp } from '../../../src/slack/app.js';
import { PostLedger } from '../../../src/store/post-ledger.js';

const crashAt = process.env.CRASH_AT;
const die = (where: string) => {
  process.stdout.write(`crashing ${where}\n`);
  process.kill(process.pid, 'SIGKILL');
};
if (crashAt === 'before-enqueue') {
  const add = Queue.prototype.add;
  Queue.prototype.add = function (this: Queue, name: string, ...rest: unknown[]) {
    if (name === clusterJobNames.diagnose) die('before-enqueue');
    return (add as (...a: unknown[]) => ReturnType<Queue['add']>).call(this, name, ...rest);
  } as Queue['add'];
}
if (crashAt === 'after-upload') {
  const record = PostLedger.prototype.record;
  PostLedger.prototype.record = function (this: PostLedger, key: string, ts: string) {
    if (key.includes('-file-') && ts === 'uploaded') die('after-upload');
    return record.call(this, key, ts);
  };
}

const url = process.env.REDIS_URL!;
const log = pino({ level: process.env.DNSWHY_TEST_LOG ?? 'silent' });
const redis = new Redis(url, { maxRetriesPerRequest: null });
redis.on('error', () => undefined);
const connection = bullConnection(url);
const app = await startSlackApp({
  botToken: 'xoxb-emulator',
  signingSecret: process.env.SIGNING_SECRET!,
  apiUrl: process.env.SLACK_API_URL!,
  port: 0,
  host: '127.0.0.1',
  redis,
  connection,
  queues: new Queues(connection, log),
  log,
  approvers: { users: ['U0APPROVER'], groups: [] },
  forbidSelfApproval: true,
  proposalTtlSeconds: 3600,
  dedupeWindowSeconds: 3600,
  channelIntervalMs: 0,
  webRetries: 0,
  instanceTtlMs: Number(process.env.INSTANCE_TTL_MS ?? 15000),
});
process.stdout.write(`ready ${app.eventsUrl}\n`);
// Never outlive the test run.
setTimeout(() => process.exit(0), 120_000).unref();
