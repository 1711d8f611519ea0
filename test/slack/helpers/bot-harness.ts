/**
 * Starts the whole bot for a test: a private redis-server, the Slack emulator, the app (HTTP or
 * Socket Mode) and one cluster worker with the given runtime. Everything is real except the
 * runtime, which tests pass (a fake diagnosis, or the lab).
 */
import { pino, type Logger } from 'pino';
import { Redis } from 'ioredis';
import { startClusterWorker, type RunningWorker } from '../../../jobs/cluster-worker.js';
import type { ClusterRuntime } from '../../../jobs/cluster-runtime.js';
import { bullConnection } from '../../../src/queue/connection.js';
import { Queues } from '../../../src/queue/queues.js';
import { startSlackApp, type RunningSlackApp } from '../../../src/slack/app.js';
import { startSlackEmulator, type EmulatorOptions, type SlackEmulator } from '../../../src/emulators/slack/slack-emulator.js';
import { startRedis, type RedisHandle, type RedisOptions } from '../../helpers/redis-server.js';
import type { Readiness } from '../../../src/ops/readiness.js';
import type { DnswhyMetrics } from '../../../src/ops/metrics.js';
import type { SlackConnectionOptions } from '../../../src/slack/slack-connection.js';

export const secret = 'test-signing-secret-0123456789';
export const channel = 'C0INCIDENT';
export const approver = 'U0APPROVER';
export const approver2 = 'U0APPROVER2';
export const groupMember = 'U0ONCALL';
export const requester = 'U0ASKER';
export const bystander = 'U0BYSTANDER';

export interface Harness {
  redisServer: RedisHandle;
  redis: Redis;
  slack: SlackEmulator;
  bot: RunningSlackApp;
  worker?: RunningWorker;
  queues: Queues;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  runtime?: ClusterRuntime;
  socketMode?: boolean;
  emulator?: EmulatorOptions;
  forbidSelfApproval?: boolean;
  channelIntervalMs?: number;
  /** Where the bot logs (silent by default; DNSWHY_TEST_LOG=debug prints). */
  log?: Logger;
  proposalTtlSeconds?: number;
  /** Who may schedule summaries into other channels (the approvers when unset). */
  schedulers?: { users: string[]; groups: string[] };
  /** Readiness conditions of the app and worker go here. */
  readiness?: Readiness;
  /** Backoff of the Slack connection watcher (short in outage tests). */
  slackRetry?: SlackConnectionOptions;
  /** The worker's own concurrency, and the cap of its cluster across workers (flood tests). */
  workerConcurrency?: number;
  maxRunning?: number;
  /** How often the worker updates a diagnosis's progress message (0: every step, the default here; the shipped worker: 1000). */
  progressIntervalMs?: number;
  /** Diagnoses one user may have queued or running at once. */
  maxDiagnosesPerUser?: number;
  /** How the private redis-server runs (AOF on: restart tests that must keep data). */
  redis?: RedisOptions;
  /** Metrics of the app and the worker (one registry, as in a `serve --role all` process). */
  metrics?: DnswhyMetrics;
}

/** Starts redis, emulator, app and worker. */
export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const log = o.log ?? pino({ level: process.env.DNSWHY_TEST_LOG ?? 'silent' });
  const redisServer = await startRedis(o.redis);
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const slack = await startSlackEmulator({
    users: { [approver]: 'approver', [approver2]: 'approver2', [requester]: 'asker', [bystander]: 'bystander', [groupMember]: 'oncall' },
    // The requester is an approver through a user group: self-approval is what stops them.
    usergroups: { S0ONCALL: [groupMember, requester] },
    ...o.emulator,
  });
  const connection = bullConnection(redisServer.url);
  const queues = new Queues(connection, log);
  const bot = await startSlackApp({
    botToken: 'xoxb-emulator',
    ...(o.socketMode ? { appToken: 'xapp-emulator' } : { signingSecret: secret }),
    apiUrl: slack.apiUrl,
    port: 0,
    host: '127.0.0.1',
    redis,
    connection,
    queues,
    log,
    approvers: { users: [approver, approver2], groups: ['S0ONCALL'] },
    forbidSelfApproval: o.forbidSelfApproval ?? true,
    proposalTtlSeconds: o.proposalTtlSeconds ?? 3600,
    ...(o.schedulers ? { schedulers: o.schedulers } : {}),
    ...(o.readiness ? { readiness: o.readiness } : {}),
    ...(o.slackRetry ? { slackRetry: o.slackRetry } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
    dedupeWindowSeconds: 3600,
    ...(o.maxDiagnosesPerUser ? { maxDiagnosesPerUser: o.maxDiagnosesPerUser } : {}),
    channelIntervalMs: o.channelIntervalMs ?? 1000,
    webRetries: 0,
  });
  const worker = o.runtime
    ? await startClusterWorker({ connection, redis, queues, runtime: o.runtime, cluster: o.runtime.name, log, heartbeatMs: 1000, progressIntervalMs: o.progressIntervalMs ?? 0, lockDurationMs: 5000, ...(o.workerConcurrency ? { concurrency: o.workerConcurrency } : {}), ...(o.maxRunning ? { maxRunning: o.maxRunning } : {}), ...(o.readiness ? { readiness: o.readiness } : {}), ...(o.metrics ? { metrics: o.metrics } : {}) })
    : undefined;
  return {
    redisServer,
    redis,
    slack,
    bot,
    ...(worker ? { worker } : {}),
    queues,
    async stop() {
      await worker?.close(2000);
      await bot.stop();
      await queues.close();
      await o.runtime?.close();
      redis.disconnect();
      await slack.stop();
      await redisServer.stop();
    },
  };
}

/** Text of every block of a message, joined (for assertions on what a reader sees). */
export function messageText(m: { text: string; blocks?: unknown[] }): string {
  return m.text + '\n' + JSON.stringify(m.blocks ?? []);
}

/** Button values of a message by action id (the first of each; ".2" suffixes of repeated ids removed). */
export function buttons(m: { blocks?: unknown[] }): Record<string, string> {
  return Object.fromEntries([...allButtons(m)].reverse().map((b) => [b.actionId, b.value]));
}

/** Every button of a message (actions blocks and section accessories), in order, with its base action id. */
export function allButtons(m: { blocks?: unknown[] }): { actionId: string; value: string; text: string }[] {
  const out: { actionId: string; value: string; text: string }[] = [];
  type El = { type: string; action_id?: string; value?: string; text?: { text: string } };
  const add = (e: El) => {
    if (e.type === 'button' && e.action_id && e.value) out.push({ actionId: e.action_id.replace(/\.\d+$/, ''), value: e.value, text: e.text?.text ?? '' });
  };
  for (const b of (m.blocks ?? []) as { type: string; elements?: El[]; accessory?: El }[]) {
    if (b.type === 'actions') for (const e of b.elements ?? []) add(e);
    if (b.type === 'section' && b.accessory) add(b.accessory);
  }
  return out;
}
