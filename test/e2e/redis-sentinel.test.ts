/**
 * Redis Sentinel with real parts: a primary, a replica and three redis-sentinel processes on
 * loopback. `dnswhy serve` (in this process, the app and a worker over the lab) is configured with
 * REDIS_SENTINELS and REDIS_SENTINEL_NAME; while diagnoses run the primary is SIGKILLed, the
 * sentinels promote the replica, and every question still gets exactly one answer: no lost
 * answer, no post twice.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServe, type RunningServe } from '../../src/cli/commands/serve.js';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/emulators/slack/slack-emulator.js';
import { startSentinelSetup, sentinelName, type SentinelSetup } from '../helpers/redis-sentinel.js';
import { freePort } from '../helpers/redis-server.js';

const root = join(import.meta.dirname, '..', '..');
const secret = 'sentinel-test-secret-0123456789';
// Different questions (the same one asked again joins the running diagnosis).
const names = ['s3.cloud-b.example', 'www.example.org', 'kubernetes.default.svc.cluster.local', 'kube-dns.kube-system.svc.cluster.local', 'missing.cloud-b.example', 'api.example.org'];
const questions = names.length;
/** The report message of a thread: its post key is the report job's first report part. */
const isReport = (m: { threadTs?: string; metadata?: { event_payload: { key?: unknown } } }) => m.threadTs !== undefined && /-report-0$/.test(String(m.metadata?.event_payload.key ?? ''));

describe('Redis Sentinel failover during diagnoses (real redis-sentinel, primary and replica)', { timeout: 180_000 }, () => {
  let setup: SentinelSetup;
  let slack: SlackEmulator;
  let serve: RunningServe | undefined;
  beforeAll(async () => {
    setup = await startSentinelSetup();
    slack = await startSlackEmulator({ rateLimits: false });
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    await slack?.stop();
    await setup?.stop();
  });

  it('answers every question exactly once when the primary dies mid-flow and the replica is promoted', async () => {
    const port = await freePort();
    serve = await startServe('all', {
      SLACK_BOT_TOKEN: 'xoxb-emulator', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slack.apiUrl, PORT: String(port),
      DNSWHY_OPS_PORT: '0', DNSWHY_OPS_HOST: '127.0.0.1', DNSWHY_LOG_LEVEL: 'error',
      DNSWHY_LAB: join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml'),
      REDIS_SENTINELS: setup.sentinels, REDIS_SENTINEL_NAME: sentinelName,
      // One asker asks every question at once: above the default per-user limit of 3.
      DNSWHY_MAX_DIAGNOSES_PER_USER: String(questions),
    }, () => undefined);
    expect(serve.redisUrl).toBe(`primary "${sentinelName}" through Sentinel ${setup.sentinels}`);
    const channels = Array.from({ length: questions }, (_, i) => `C0SENT${i}`);
    for (const [i, channel] of channels.entries()) {
      const res = await sendSigned(`http://127.0.0.1:${port}/slack/events`, secret, slashCommandBody({ text: `why mos/mos-model-6c9f7b5d8-x2k4p ${names[i]}`, user: 'U0ASKER', channel }));
      expect(res.status).toBe(200);
    }
    // Mid-flow: every question has its thread, at most a few are answered yet.
    await slack.waitFor('every parent posted', () => (channels.every((c) => slack.messages.some((m) => m.channel === c && !m.threadTs)) ? true : undefined), 30_000);
    const answered = () => channels.filter((c) => slack.messages.some((m) => m.channel === c && isReport(m)));
    expect(answered().length).toBeLessThan(questions);
    expect(await setup.currentPrimaryPort()).toBe(setup.primaryPort);
    await setup.killPrimary();

    await slack.waitFor('the sentinels promoting the replica', async () => ((await setup.currentPrimaryPort()) === setup.replicaPort ? true : undefined), 30_000);
    await slack.waitFor('every question answered', () => (answered().length === questions ? true : undefined), 120_000);
    // Let late retries (if any) land before counting.
    await new Promise((r) => setTimeout(r, 2000));
    for (const channel of channels) {
      const parents = slack.messages.filter((m) => m.channel === channel && !m.threadTs);
      expect(parents, channel).toHaveLength(1);
      const reports = slack.thread(channel, parents[0]!.ts).filter(isReport);
      expect(reports, channel).toHaveLength(1);
    }
    const keys = slack.messages.map((m) => m.metadata?.event_payload.key).filter((k): k is string => typeof k === 'string');
    expect(keys.length).toBeGreaterThanOrEqual(questions);
    expect(new Set(keys).size).toBe(keys.length);
    // Everything went to the Sentinel-managed Redis: the promoted replica holds every post's ledger entry.
    const promoted = new Redis({ host: '127.0.0.1', port: setup.replicaPort });
    try {
      expect((await promoted.keys('dnswhy:posted:*')).length).toBeGreaterThanOrEqual(keys.length);
      expect(await promoted.info('replication')).toContain('role:master');
    } finally {
      promoted.disconnect();
    }
    const ready = await serve.readiness.report();
    expect(ready.conditions.find((c) => c.name === 'redis')?.ok).toBe(true);
  });
});
