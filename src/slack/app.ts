/**
 * The Slack side of `dnswhy serve`: a Bolt app in HTTP mode (our verifying receiver with replay
 * protection at /slack/events) or Socket Mode (an app token), its listeners, and the delivery
 * worker that posts what the cluster workers produce.
 */
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { ConnectionOptions, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { startPostWorker } from './delivery/post-worker.js';
import { ClusterRegistry } from '../store/cluster-registry.js';
import type { QueueLogger } from '../queue/connection.js';
import { FingerprintLedger } from '../store/fingerprint-ledger.js';
import { PostLedger } from '../store/post-ledger.js';
import { ProposalStore } from '../store/proposal-store.js';
import type { Queues } from '../queue/queues.js';
import { RunningDiagnoses } from '../store/running-diagnoses.js';
import { ApproverPolicy } from './approvals/approver-policy.js';
import { SchedulerPolicy } from './approvals/scheduler-policy.js';
import type { SlackDeps } from './deps.js';
import { registerListeners } from './listeners/index.js';
import { SlackPoster } from './poster/slack-poster.js';
import { RedisReplayGuard } from './receiver/replay-guard.js';
import { VerifiedHttpReceiver } from './receiver/verified-http-receiver.js';

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
  defaultCluster?: string;
  /** Per-channel message spacing (1000 ms in production). */
  channelIntervalMs?: number;
  /** Web API retries on 5xx / network errors (rate limits are handled by the poster). */
  webRetries?: number;
  postConcurrency?: number;
}

export interface RunningSlackApp {
  app: App;
  deps: SlackDeps;
  poster: SlackPoster;
  postWorker: Worker;
  /** HTTP mode: the receiver and the events URL. */
  receiver?: VerifiedHttpReceiver;
  eventsUrl?: string;
  stop(): Promise<void>;
}

/** Starts the app and its delivery worker. */
export async function startSlackApp(o: SlackAppOptions): Promise<RunningSlackApp> {
  if (!o.appToken && !o.signingSecret) throw new Error('HTTP mode needs a signing secret (or give an app token for Socket Mode)');
  const clientOptions = {
    ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
    retryConfig: { retries: o.webRetries ?? 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    // 429s are handled by SlackPoster (wait Retry-After, then retry) so pacing stays in one place.
    rejectRateLimitedCalls: true,
  };
  const httpReceiver = o.appToken ? undefined : new VerifiedHttpReceiver({ signingSecret: o.signingSecret!, replayGuard: new RedisReplayGuard(o.redis), logger: o.log });
  const receiver = httpReceiver ?? new SocketModeReceiver({ appToken: o.appToken!, installerOptions: { clientOptions }, logLevel: LogLevel.ERROR });
  const app = new App({ token: o.botToken, receiver, clientOptions, logLevel: LogLevel.ERROR });
  app.error(async (err) => o.log.error({ err: err.message, code: (err as { code?: string }).code }, 'listener error'));

  const poster = new SlackPoster(app.client, { ...(o.channelIntervalMs !== undefined ? { channelIntervalMs: o.channelIntervalMs } : {}) });
  const deps: SlackDeps = {
    redis: o.redis,
    queues: o.queues,
    poster,
    ledger: new PostLedger(o.redis),
    proposals: new ProposalStore(o.redis),
    running: new RunningDiagnoses(o.redis),
    clusters: new ClusterRegistry(o.redis),
    approvers: new ApproverPolicy(app.client, { ...o.approvers, forbidSelfApproval: o.forbidSelfApproval }),
    schedulers: new SchedulerPolicy(new ApproverPolicy(app.client, { ...(o.schedulers ?? o.approvers), forbidSelfApproval: false }), o.schedulers !== undefined),
    log: o.log,
    ...(o.defaultCluster ? { defaultCluster: o.defaultCluster } : {}),
  };
  registerListeners(app, deps);
  const postWorker = await startPostWorker({
    connection: o.connection,
    log: o.log,
    ...(o.postConcurrency ? { concurrency: o.postConcurrency } : {}),
    deps: { poster, ledger: deps.ledger, proposals: deps.proposals, fingerprints: new FingerprintLedger(o.redis, o.dedupeWindowSeconds), running: deps.running, proposalTtlSeconds: o.proposalTtlSeconds },
  });
  if (httpReceiver) await httpReceiver.start(o.port ?? 3000, o.host ?? '0.0.0.0');
  else await app.start();
  const eventsUrl = httpReceiver ? `http://127.0.0.1:${httpReceiver.port}/slack/events` : undefined;
  return {
    app,
    deps,
    poster,
    postWorker,
    ...(httpReceiver ? { receiver: httpReceiver } : {}),
    ...(eventsUrl ? { eventsUrl } : {}),
    async stop() {
      if (httpReceiver) await httpReceiver.stop();
      else await app.stop();
      await postWorker.close();
    },
  };
}
