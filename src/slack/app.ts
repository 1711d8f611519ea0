/**
 * The Slack side of `dnswhy serve`: a Bolt app in HTTP mode (our verifying receiver with replay
 * protection at /slack/events) or Socket Mode (an app token), its listeners, and the delivery
 * worker that posts what the cluster workers produce.
 */
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { ConnectionOptions, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { startPostWorker } from './delivery/post-worker.js';
import { ClusterRegistry } from '../store/cluster-registry.js';
import type { QueueLogger } from '../queue/connection.js';
import { FingerprintLedger } from '../store/fingerprint-ledger.js';
import { PostLedger } from '../store/post-ledger.js';
import { ProposalStore } from '../store/proposal-store.js';
import { ReportStore } from '../store/report-store.js';
import type { Queues } from '../queue/queues.js';
import { RunningDiagnoses } from '../store/running-diagnoses.js';
import { PendingHealth } from '../store/pending-health.js';
import { ApproverPolicy } from './approvals/approver-policy.js';
import { SchedulerPolicy } from './approvals/scheduler-policy.js';
import type { SlackDeps } from './deps.js';
import { registerListeners } from './listeners/index.js';
import { SlackPoster } from './poster/slack-poster.js';
import { RedisReplayGuard } from './receiver/replay-guard.js';
import { VerifiedHttpReceiver } from './receiver/verified-http-receiver.js';
import type { Readiness } from '../ops/readiness.js';
import { slackSdkLogger } from './slack-sdk-logger.js';
import type { DnswhyMetrics } from '../ops/metrics.js';
import { queueStateCounts } from '../queue/cluster-capacity.js';
import { SlackConnection, type SlackConnectionOptions } from './slack-connection.js';
import { InstanceHeartbeat } from '../store/instance-heartbeat.js';
import { resumeInterruptedStarts } from './flows/resume-diagnoses.js';
import { startDiagnosis } from './flows/start-diagnosis.js';

export interface SlackAppOptions {
  botToken: string;
  /** HTTP mode. */
  signingSecret?: string;
  /** Socket Mode (takes precedence when set). */
  appToken?: string;
  apiUrl?: string;
  port?: number;
  host?: string;
  redis: Redis;
  connection: ConnectionOptions;
  queues: Queues;
  log: QueueLogger;
  approvers: { users: string[]; groups: string[] };
  /** Who may schedule summaries into other channels (the approvers when unset). */
  schedulers?: { users: string[]; groups: string[] };
  forbidSelfApproval: boolean;
  proposalTtlSeconds: number;
  dedupeWindowSeconds: number;
  /** Diagnoses one user may have queued or running at once (default 3). */
  maxDiagnosesPerUser?: number;
  defaultCluster?: string;
  /** Where check documentation paths are browsed (default: the project's repository). */
  docsBaseUrl?: string;
  /** Per-channel message spacing (1000 ms in production). */
  channelIntervalMs?: number;
  /** Web API retries on 5xx / network errors (rate limits are handled by the poster). */
  webRetries?: number;
  postConcurrency?: number;
  /** Where the app adds its readiness conditions (Slack auth verified, Socket Mode connected). */
  readiness?: Readiness;
  /** Where Slack API failures, 429s and the depth of every live cluster's queue are counted (/metrics). */
  metrics?: DnswhyMetrics;
  /** Backoff and log interval of the Slack connection watcher. */
  slackRetry?: SlackConnectionOptions;
  /** This instance's heartbeat lifetime, and how often interrupted starts of others are looked for. */
  instanceTtlMs?: number;
  resumeIntervalMs?: number;
}

export interface RunningSlackApp {
  app: App;
  deps: SlackDeps;
  poster: SlackPoster;
  postWorker: Worker;
  slack: SlackConnection;
  /** HTTP mode: the receiver and the events URL. */
  receiver?: VerifiedHttpReceiver;
  eventsUrl?: string;
  stop(): Promise<void>;
}

/** Starts the app and its delivery worker. */
export async function startSlackApp(o: SlackAppOptions): Promise<RunningSlackApp> {
  if (!o.appToken && !o.signingSecret) throw new Error('HTTP mode needs a signing secret (or give an app token for Socket Mode)');
  // The SDK's own lines (Bolt, Web API client, Socket Mode) go through dnswhy's logger. Errors only:
  // the client's warnings repeat every failed retry, which SlackConnection already reports once per interval.
  const sdkLogger = slackSdkLogger(o.log, LogLevel.ERROR);
  const clientOptions = {
    logger: sdkLogger,
    ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
    retryConfig: { retries: o.webRetries ?? 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    // 429s are handled by SlackPoster (wait Retry-After, then retry) so pacing stays in one place.
    rejectRateLimitedCalls: true,
  };
  const httpReceiver = o.appToken ? undefined : new VerifiedHttpReceiver({ signingSecret: o.signingSecret!, replayGuard: new RedisReplayGuard(o.redis), logger: o.log });
  const receiver = httpReceiver ?? new SocketModeReceiver({ appToken: o.appToken!, installerOptions: { clientOptions }, logger: slackSdkLogger(o.log, LogLevel.ERROR), logLevel: LogLevel.ERROR });
  // Our own client and token: Bolt is given the token through authorize, so it never calls
  // auth.test itself (an unreachable Slack at start would be an unhandled rejection there).
  const client = new WebClient(o.botToken, clientOptions);
  const slack = new SlackConnection(client, o.botToken, o.log, o.readiness?.condition('slack', 'verifying the bot token (auth.test)'), o.slackRetry);
  const app = new App({ receiver, authorize: async () => slack.authorization(), clientOptions, logger: sdkLogger, logLevel: LogLevel.ERROR });
  app.error(async (err) => o.log.error({ err: err.message, code: (err as { code?: string }).code }, 'listener error'));

  const poster = new SlackPoster(client, { ...(o.channelIntervalMs !== undefined ? { channelIntervalMs: o.channelIntervalMs } : {}), onFailure: (err) => slack.reportFailure(err), ...(o.metrics ? { metrics: o.metrics } : {}) });
  const heartbeat = new InstanceHeartbeat(o.redis, 'app', o.instanceTtlMs);
  await heartbeat.start();
  const deps: SlackDeps = {
    instanceId: heartbeat.id,
    redis: o.redis,
    queues: o.queues,
    poster,
    ledger: new PostLedger(o.redis),
    proposals: new ProposalStore(o.redis),
    reports: new ReportStore(o.redis),
    running: new RunningDiagnoses(o.redis),
    pendingHealth: new PendingHealth(o.redis),
    clusters: new ClusterRegistry(o.redis),
    approvers: new ApproverPolicy(client, { ...o.approvers, forbidSelfApproval: o.forbidSelfApproval }),
    schedulers: new SchedulerPolicy(new ApproverPolicy(client, { ...(o.schedulers ?? o.approvers), forbidSelfApproval: false }), o.schedulers !== undefined),
    log: o.log,
    maxDiagnosesPerUser: o.maxDiagnosesPerUser ?? 3,
    ...(o.defaultCluster ? { defaultCluster: o.defaultCluster } : {}),
    ...(o.docsBaseUrl ? { docsBaseUrl: o.docsBaseUrl } : {}),
  };
  registerListeners(app, deps);
  o.metrics?.addQueueSource(async () => {
    const live = await deps.clusters.live();
    return Promise.all(live.map(async ({ name }) => ({ cluster: name, counts: await queueStateCounts(o.queues.cluster(name)) })));
  });
  const postWorker = await startPostWorker({
    connection: o.connection,
    log: o.log,
    slack,
    orphans: { queue: o.queues.post, redis: o.redis },
    ...(o.postConcurrency ? { concurrency: o.postConcurrency } : {}),
    deps: {
      poster,
      ledger: deps.ledger,
      proposals: deps.proposals,
      reports: deps.reports,
      fingerprints: new FingerprintLedger(o.redis, o.dedupeWindowSeconds),
      running: deps.running,
      pendingHealth: deps.pendingHealth,
      proposalTtlSeconds: o.proposalTtlSeconds,
      log: o.log,
      ...(o.docsBaseUrl ? { docsBaseUrl: o.docsBaseUrl } : {}),
      startDiagnosis: async (d) => {
        await startDiagnosis(deps, { channel: d.channel, user: d.user, target: d.target, diagnoseJobId: d.diagnoseJobId, ...(d.cluster ? { cluster: d.cluster } : {}), ...(d.slackRequest ? { slackRequest: d.slackRequest } : {}) });
      },
    },
  });
  if (httpReceiver) await httpReceiver.start(o.port ?? 3000, o.host ?? '0.0.0.0');
  await slack.start();
  const socket = httpReceiver ? undefined : startSocketMode(app, o.log, o.readiness, o.slackRetry);
  if (socket) await socket.firstAttempt;
  const resume = () => resumeInterruptedStarts(deps, heartbeat).catch((err: Error) => o.log.warn({ err: err.message }, 'could not look for interrupted diagnoses'));
  void resume();
  const resumer = setInterval(() => void resume(), o.resumeIntervalMs ?? 10_000);
  resumer.unref();
  const eventsUrl = httpReceiver ? `http://127.0.0.1:${httpReceiver.port}/slack/events` : undefined;
  return {
    app,
    deps,
    poster,
    postWorker,
    slack,
    ...(httpReceiver ? { receiver: httpReceiver } : {}),
    ...(eventsUrl ? { eventsUrl } : {}),
    async stop() {
      clearInterval(resumer);
      slack.stop();
      if (httpReceiver) await httpReceiver.stop();
      else await socket?.stop();
      await postWorker.close();
      await heartbeat.stop();
    },
  };
}

/**
 * Connects Socket Mode, retrying with backoff while Slack cannot be reached (the connection is
 * then kept up by the Socket Mode client itself); a readiness condition says whether it is up.
 */
function startSocketMode(app: App, log: QueueLogger, readiness: Readiness | undefined, retry: SlackConnectionOptions = {}): { firstAttempt: Promise<void>; stop(): Promise<void> } {
  const condition = readiness?.condition('slack-socket', 'connecting Socket Mode');
  let stopped = false;
  let connected = false;
  let markAttempted!: () => void;
  const firstAttempt = new Promise<void>((r) => (markAttempted = r));
  let lastLog = 0;
  void (async () => {
    let delay = retry.minDelayMs ?? 1000;
    while (!stopped) {
      try {
        await app.start();
        connected = true;
        condition?.set(true, 'Socket Mode connected');
        markAttempted();
        return;
      } catch (err) {
        condition?.set(false, `Socket Mode cannot connect: ${(err as Error).message}`);
        if (Date.now() - lastLog >= (retry.logIntervalMs ?? 60_000)) {
          lastLog = Date.now();
          log.warn({ problem: (err as Error).message }, 'Socket Mode cannot connect: retrying with backoff');
        }
        markAttempted();
      }
      await new Promise((r) => setTimeout(r, delay / 2 + Math.random() * (delay / 2)).unref());
      delay = Math.min(retry.maxDelayMs ?? 30_000, delay * 2);
    }
  })();
  return {
    firstAttempt,
    async stop() {
      stopped = true;
      if (connected) await app.stop();
    },
  };
}
