/**
 * `dnswhy serve [--role app|worker|all]`: runs the Slack app (commands, buttons, delivery), a
 * cluster worker (diagnose, apply-fix, rollback for DNSWHY_CLUSTER), or both. Configuration comes
 * from the environment (.env.example). Without REDIS_URL a local redis-server is started for
 * development. SIGTERM/SIGINT shut down gracefully: the app stops taking requests, running jobs
 * finish within the grace period or are handed back to other workers.
 */
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { startClusterWorker, type RunningWorker } from '../../../jobs/cluster-worker.js';
import { openClusterRuntime, type OpenedRuntime } from '../../../jobs/open-cluster-runtime.js';
import { ConfigError, loadConfig, type ServeRole } from '../../config.js';
import { bullConnection, describeRedis, openRedis, type RedisTarget } from '../../queue/connection.js';
import { redisTargetOf } from '../redis-target.js';
import { startLocalRedis, type LocalRedis } from '../../store/local-redis.js';
import { Queues } from '../../queue/queues.js';
import { startSlackApp, type RunningSlackApp } from '../../slack/app.js';
import { randomBytes } from 'node:crypto';
import { exitCodes } from '../exit-codes.js';
import { fileLimits, readTextFile } from '../../files/read-text-file.js';
import { Readiness } from '../../ops/readiness.js';
import { startOpsServer, type OpsServer } from '../../ops/ops-server.js';
import { addRedisConditions } from '../../store/redis-readiness.js';
import { DnswhyMetrics } from '../../ops/metrics.js';
import { addExamples } from '../help.js';

/** What a running `serve` holds, for a clean stop. */
export interface RunningServe {
  eventsUrl?: string;
  /** Where Redis is, in words (the URL without its password, or the Sentinel primary). */
  redisUrl: string;
  /** Base URL of /healthz and /readyz. */
  opsUrl: string;
  readiness: Readiness;
  metrics: DnswhyMetrics;
  stop(): Promise<void>;
}

/**
 * Starts the parts of the bot a role needs.
 * @param env - the environment (process.env)
 * @param say - where start-up lines go (stderr)
 */
export async function startServe(role: ServeRole, env: Record<string, string | undefined>, say: (line: string) => void): Promise<RunningServe> {
  const config = loadConfig(env, role, (path) => readTextFile(path, fileLimits.secret));
  const log = pino({ level: config.logLevel }, pino.destination(2));
  let local: LocalRedis | undefined;
  let target: RedisTarget;
  if (config.redis) {
    target = redisTargetOf(config.redis);
  } else {
    local = await startLocalRedis();
    target = { url: local.url };
    say(`REDIS_URL is not set: started a local redis-server at ${local.url} for development (data is not kept).`);
  }
  const redisUrl = describeRedis(target);
  const redis = openRedis(target, log);
  const connection = bullConnection(target);
  const queues = new Queues(connection, log);
  const readiness = new Readiness();
  addRedisConditions(readiness, redis, log);
  const metrics = new DnswhyMetrics();
  let ops: OpsServer | undefined;
  let runtime: OpenedRuntime | undefined;
  let worker: RunningWorker | undefined;
  let app: RunningSlackApp | undefined;
  const stop = async () => {
    await ops?.stop().catch(() => undefined);
    await app?.stop().catch((err: Error) => log.warn({ err: err.message }, 'app stop'));
    await worker?.close().catch((err: Error) => log.warn({ err: err.message }, 'worker stop'));
    await queues.close();
    await runtime?.close().catch(() => undefined);
    redis.disconnect();
    await local?.stop();
  };
  try {
    // First, so that probes see "not ready" (with the reason) while the rest starts.
    ops = await startOpsServer(readiness, config.ops);
    metrics.serveOn(ops);
    say(`/healthz and /readyz on ${config.ops.host}:${ops.port}, /metrics beside them`);
    if (role !== 'app') {
      runtime = await openClusterRuntime({
        name: config.cluster,
        ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
        ...(config.lab ? { lab: config.lab } : {}),
        probe: config.probe,
        ...(config.probeNamespace ? { probeNamespace: config.probeNamespace } : {}),
        ...(config.self ? { self: config.self } : {}),
        onProbePod: (outcome) => metrics.probePods.inc({ cluster: config.cluster, outcome }),
      });
      const pns = runtime.probeNamespaceStatus;
      if (pns) (pns.exists === false ? log.warn.bind(log) : log.info.bind(log))({ namespace: pns.name, exists: pns.exists ?? 'unknown' }, pns.detail);
      log.info({ namespace: config.probeNamespace ?? "the diagnosed pod's", image: runtime.probe.probeImage.image, pullPolicy: runtime.probe.probeImage.pullPolicy ?? 'kubelet default', pullSecrets: runtime.probe.probeImage.pullSecrets ?? [], from: runtime.probe.source }, 'probe image');
      worker = await startClusterWorker({ connection, redis, queues, runtime, cluster: config.cluster, concurrency: config.workerConcurrency, maxRunning: config.clusterMaxRunning, log, readiness, metrics });
      say(`worker for cluster "${config.cluster}"${config.lab ? ` (lab ${config.lab})` : ''} consuming dnswhy-cluster-${config.cluster}`);
    }
    if (role !== 'worker') {
      app = await startSlackApp({
        botToken: config.slack.botToken!,
        ...(config.slack.signingSecret ? { signingSecret: config.slack.signingSecret } : {}),
        ...(config.slack.appToken ? { appToken: config.slack.appToken } : {}),
        ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
        port: config.slack.port,
        redis,
        connection,
        queues,
        log,
        approvers: config.approvers,
        ...(config.schedulers ? { schedulers: config.schedulers } : {}),
        forbidSelfApproval: config.forbidSelfApproval,
        proposalTtlSeconds: config.proposalTtlSeconds,
        dedupeWindowSeconds: config.dedupeWindowSeconds,
        maxDiagnosesPerUser: config.maxDiagnosesPerUser,
        defaultCluster: config.cluster,
        ...(config.docsBaseUrl ? { docsBaseUrl: config.docsBaseUrl } : {}),
        readiness,
        metrics,
      });
      say(config.slack.mode === 'socket' ? 'Slack app connected in Socket Mode' : `Slack app listening on :${config.slack.port}/slack/events (HTTP mode)`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...(app?.eventsUrl ? { eventsUrl: app.eventsUrl } : {}), redisUrl, opsUrl: `http://127.0.0.1:${ops.port}`, readiness, metrics, stop };
}

function parseRole(v: string): ServeRole {
  if (v === 'app' || v === 'worker' || v === 'all') return v;
  throw new InvalidArgumentError('use app, worker or all');
}

/** The `serve` sub-command. */
export function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('Run the Slack app and/or a cluster worker (configuration from the environment, see .env.example)')
    .option('--role <role>', 'app | worker | all', parseRole, 'all' as ServeRole)
    .option('--emulator', 'try the bot without a workspace: a local Slack emulator, and this terminal as the channel')
    .action(async (opts: { role: ServeRole; emulator?: boolean }) => {
      const say = (line: string) => process.stderr.write(`dnswhy serve: ${line}\n`);
      let env: Record<string, string | undefined> = process.env;
      let emulator: import('../../emulators/slack/slack-emulator.js').SlackEmulator | undefined;
      if (opts.emulator) {
        if (opts.role !== 'all') {
          say('--emulator needs --role all (the app and a worker in this process)');
          process.exitCode = exitCodes.usage;
          return;
        }
        // Loaded only when asked: production code paths never load an emulator.
        const { startSlackEmulator } = await import('../../emulators/slack/slack-emulator.js');
        emulator = await startSlackEmulator({ users: { U0DEMO: 'you', U0APPROVER: 'approver' } });
        // The emulator's own credentials; approvals by the demo user are allowed unless configured otherwise.
        env = {
          ...process.env,
          SLACK_BOT_TOKEN: 'xoxb-emulator',
          SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
          SLACK_APP_TOKEN: '',
          SLACK_API_URL: emulator.apiUrl,
          DNSWHY_APPROVERS: process.env.DNSWHY_APPROVERS ?? 'U0DEMO',
          DNSWHY_FORBID_SELF_APPROVAL: process.env.DNSWHY_FORBID_SELF_APPROVAL ?? 'false',
        };
        say(`Slack emulator at ${emulator.apiUrl}`);
      }
      let running: RunningServe;
      try {
        running = await startServe(opts.role, env, say);
      } catch (err) {
        await emulator?.stop();
        if (err instanceof ConfigError) {
          say(err.message);
          process.exitCode = exitCodes.finding;
          return;
        }
        throw err;
      }
      if (emulator && running.eventsUrl) {
        const { runEmulatorConsole } = await import('../../emulators/slack/console.js');
        await runEmulatorConsole({ emulator, eventsUrl: running.eventsUrl, signingSecret: env.SLACK_SIGNING_SECRET!, input: process.stdin, output: process.stdout });
        await running.stop();
        await emulator.stop();
        return;
      }
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          say(`${signal}: shutting down (running jobs finish or are handed back)`);
          running.stop().then(resolve, (err: Error) => {
            say(`shutdown error: ${err.message}`);
            resolve();
          });
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
    });
  return addExamples(cmd, ['dnswhy serve --emulator', 'REDIS_URL=redis://redis:6379 DNSWHY_CLUSTER=prod dnswhy serve --role worker', 'DNSWHY_CLUSTER=edge DNSWHY_PROBE_NAMESPACE=dnswhy-probes dnswhy serve --role worker   # probe pods in dnswhy-probes (twins too where pods may not be created)', 'SLACK_BOT_TOKEN_FILE=/var/run/secrets/slack/bot-token dnswhy serve --role app']);
}
