/**
 * `rediss://` with a real redis-server serving TLS only on the port dnswhy uses, its certificate
 * signed by a throwaway CA: `dnswhy serve` (in this process) reaches it with REDIS_TLS_CA_FILE,
 * queues and stores work over it (a /dns why against the lab is answered through the Slack
 * emulator), and the certificate is really checked: with another CA, readiness says Redis is not
 * reachable and why. A CA file that is not PEM is named at start.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServe, type RunningServe } from '../../src/cli/commands/serve.js';
import { ConfigError } from '../../src/config.js';
import { openRedis } from '../../src/queue/connection.js';
import { redisTargetOf } from '../../src/cli/redis-target.js';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { startSlackEmulator, type SlackEmulator } from '../../src/emulators/slack/slack-emulator.js';
import { startTlsRedis, type TlsRedis } from '../helpers/redis-tls.js';
import { freePort } from '../helpers/redis-server.js';

const root = join(import.meta.dirname, '..', '..');
const secret = 'tls-test-secret-0123456789';
const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('rediss:// with a real redis-server over TLS and a private CA', { timeout: 120_000 }, () => {
  let tls: TlsRedis;
  let slack: SlackEmulator;
  let serve: RunningServe | undefined;
  beforeAll(async () => {
    tls = await startTlsRedis();
    slack = await startSlackEmulator();
  });
  afterAll(async () => {
    await serve?.stop();
    await slack?.stop();
    await tls?.stop();
  });

  it('serve answers /dns why over the lab with its queue and stores on rediss:// (CA from REDIS_TLS_CA_FILE)', async () => {
    const port = await freePort();
    const lines: string[] = [];
    serve = await startServe('all', {
      SLACK_BOT_TOKEN: 'xoxb-emulator', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slack.apiUrl, PORT: String(port),
      DNSWHY_OPS_PORT: '0', DNSWHY_OPS_HOST: '127.0.0.1', DNSWHY_LOG_LEVEL: 'error',
      DNSWHY_LAB: join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml'),
      REDIS_URL: tls.url, REDIS_TLS_CA_FILE: tls.caFile,
    }, (l) => lines.push(l));
    expect(serve.redisUrl).toBe(`${tls.url} (TLS, CA from REDIS_TLS_CA_FILE)`);
    await sendSigned(`http://127.0.0.1:${port}/slack/events`, secret, slashCommandBody({ text: 'why mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example', user: 'U0ASKER', channel: 'C0TLS' }));
    const parent = await slack.waitFor('parent', () => slack.messages.find((m) => m.channel === 'C0TLS' && !m.threadTs), 30_000);
    const report = await slack.waitFor('report', () => slack.thread('C0TLS', parent.ts).find((m) => m.ts !== parent.ts && m.text.startsWith('Broken:')), 90_000);
    expect(JSON.stringify(report.blocks)).toContain('upstream-split-horizon');
    const ready = await serve.readiness.report();
    expect(ready.conditions.find((c) => c.name === 'redis')?.ok).toBe(true);
    // What serve wrote is in that Redis (read back over TLS).
    const redis = openRedis(redisTargetOf({ url: tls.url, tlsCaFile: tls.caFile }), silent);
    try {
      expect((await redis.keys('dnswhy:posted:*')).length).toBeGreaterThan(0);
      expect((await redis.keys('bull:dnswhy-cluster-lab:*')).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('checks the certificate: with a CA that did not sign it the connection is refused with the reason named', async () => {
    const redis = openRedis(redisTargetOf({ url: tls.url, tlsCaFile: tls.otherCaFile }), silent);
    const failed = new Promise<Error>((r) => redis.once('error', r));
    try {
      const err = await failed;
      expect(err.message).toMatch(/self[- ]signed certificate|unable to verify|unable to get local issuer/);
      await expect(Promise.race([redis.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('no answer')), 1000))])).rejects.toThrow();
    } finally {
      redis.disconnect();
    }
    // And a plain-text client cannot talk to the TLS port at all.
    const plain = new Redis(tls.url.replace('rediss:', 'redis:'), { maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
    plain.on('error', () => undefined);
    await expect(plain.ping()).rejects.toThrow();
    plain.disconnect();
  });

  it('names a CA file that is missing or not PEM before connecting', () => {
    const notPem = join(tls.dir, 'not-a-ca.txt');
    writeFileSync(notPem, 'hello\n');
    expect(() => redisTargetOf({ url: tls.url, tlsCaFile: notPem })).toThrow(ConfigError);
    expect(() => redisTargetOf({ url: tls.url, tlsCaFile: notPem })).toThrow(/REDIS_TLS_CA_FILE: .*not-a-ca\.txt is not a PEM CA bundle/);
    expect(() => redisTargetOf({ url: tls.url, tlsCaFile: join(tls.dir, 'missing.pem') })).toThrow(/REDIS_TLS_CA_FILE: .*missing\.pem does not exist/);
  });
});
