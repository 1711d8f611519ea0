/**
 * Posting against the emulator's rate limits: 429 + Retry-After is waited out and retried (no post
 * lost, none doubled); per-channel pacing avoids 429s; a post whose process died before recording
 * it is found again by its metadata instead of being posted twice.
 */
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostLedger } from '../../../src/store/post-ledger.js';
import { startSlackEmulator, type SlackEmulator } from '../../../src/emulators/slack/slack-emulator.js';
import { postOnce } from '../../../src/slack/poster/idempotent-post.js';
import { SlackPoster } from '../../../src/slack/poster/slack-poster.js';
import { DnswhyMetrics } from '../../../src/ops/metrics.js';
import { startRedis, type RedisHandle } from '../../helpers/redis-server.js';

const msg = (text: string) => ({ text, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] });

describe('SlackPoster', () => {
  let slack: SlackEmulator;
  let client: WebClient;
  let server: RedisHandle;
  let redis: Redis;

  beforeAll(async () => {
    slack = await startSlackEmulator({ rateLimits: { channelBurst: 1, channelPerSecond: 1 } });
    client = new WebClient('xoxb-emulator', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    server = await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
    await slack.stop();
  });

  it('waits out 429 Retry-After and delivers every message exactly once', async () => {
    const poster = new SlackPoster(client, { channelIntervalMs: 0 });
    const ts = await Promise.all(['a', 'b', 'c'].map((t) => poster.post({ channel: 'C100' }, msg(t))));
    expect(new Set(ts).size).toBe(3);
    expect(slack.messages.filter((m) => m.channel === 'C100').map((m) => m.text).sort()).toEqual(['a', 'b', 'c']);
    expect(poster.rateLimitedCount).toBeGreaterThan(0);
    expect(slack.callsOf('chat.postMessage').filter((c) => c.status === 429).length).toBe(poster.rateLimitedCount);
  });

  it('counts every 429 and every call that failed for good in the metrics, by method and Slack error', async () => {
    const metrics = new DnswhyMetrics();
    const poster = new SlackPoster(client, { channelIntervalMs: 0, metrics });
    await Promise.all(['m1', 'm2', 'm3'].map((t) => poster.post({ channel: 'C102' }, msg(t))));
    slack.inject('chat.update', 1, { error: 'message_not_found' });
    await expect(poster.update('C102', '1.000', msg('gone'))).rejects.toThrow();
    const text = await metrics.registry.metrics();
    const refused = slack.callsOf('chat.postMessage').filter((c) => c.status === 429 && c.args.channel === 'C102').length;
    expect(refused).toBeGreaterThan(0);
    expect(text).toContain(`dnswhy_slack_rate_limited_total{method="chat.postMessage"} ${refused}`);
    expect(text).toContain('dnswhy_slack_api_errors_total{method="chat.update",error="message_not_found"} 1');
    expect(text).not.toContain('dnswhy_slack_api_errors_total{method="chat.postMessage"');
  });

  it('paces one channel at about one message per second, so Slack never has to refuse', async () => {
    const poster = new SlackPoster(client, { channelIntervalMs: 1100, channelBurst: 1 });
    const before = slack.callsOf('chat.postMessage').filter((c) => c.status === 429).length;
    await Promise.all(['x', 'y', 'z'].map((t) => poster.post({ channel: 'C101' }, msg(t))));
    expect(slack.messages.filter((m) => m.channel === 'C101')).toHaveLength(3);
    expect(poster.rateLimitedCount).toBe(0);
    expect(slack.callsOf('chat.postMessage').filter((c) => c.status === 429).length).toBe(before);
  });

  it('delivers a flood of ephemerals past the method limit, every one: the refused wait their turn instead of spending their retries all at once', async () => {
    // chat.postEphemeral at 60 a minute (a bucket of 60, one more a second): 72 at once is 12 over.
    const limited = await startSlackEmulator({ rateLimits: { tierPerMinute: { 1: 1, 2: 20, 3: 50, 4: 60 } } });
    try {
      const c = new WebClient('xoxb-emulator', { slackApiUrl: limited.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
      const poster = new SlackPoster(c, { channelIntervalMs: 0 });
      const users = Array.from({ length: 72 }, (_, i) => `U0EPH${i}`);
      const results = await Promise.allSettled(users.map((u) => poster.ephemeral({ channel: 'C200' }, u, msg(`refused ${u}`))));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(limited.ephemerals.map((e) => e.user).sort()).toEqual([...users].sort());
      expect(poster.rateLimitedCount).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  }, 60_000);

  it('gives up after too many 429s so the job can retry later', async () => {
    const poster = new SlackPoster(client, { channelIntervalMs: 0, maxRateLimitRetries: 0 });
    await poster.post({ channel: 'C102' }, msg('first'));
    await expect(poster.post({ channel: 'C102' }, msg('second'))).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
  });

  it('posts once per key, and finds a post made by a run that died before recording it', async () => {
    const poster = new SlackPoster(client, { channelIntervalMs: 1100, channelBurst: 1 });
    const ledger = new PostLedger(redis);
    const parent = await poster.post({ channel: 'C103' }, msg('parent'));
    const to = { channel: 'C103', threadTs: parent };
    const first = await postOnce(poster, ledger, 'job-1-report-0', to, msg('report'));
    const again = await postOnce(poster, ledger, 'job-1-report-0', to, msg('report'));
    expect(again).toEqual({ ts: first.ts, posted: false });
    // A run that reserved, posted, and died before recording the ts:
    await ledger.reserve('job-2-report-0');
    const orphan = await poster.post(to, msg('report 2'), 'job-2-report-0');
    const recovered = await postOnce(poster, ledger, 'job-2-report-0', to, msg('report 2'));
    expect(recovered).toEqual({ ts: orphan, posted: false });
    // A run that reserved and died before posting: the retry posts.
    await ledger.reserve('job-3-report-0');
    expect((await postOnce(poster, ledger, 'job-3-report-0', to, msg('report 3'))).posted).toBe(true);
    expect(slack.thread('C103', parent).map((m) => m.text)).toEqual(['parent', 'report', 'report 2', 'report 3']);
  });

  it('uploads long content as a file in the thread', async () => {
    const poster = new SlackPoster(client, { channelIntervalMs: 1100, channelBurst: 1 });
    const parent = await poster.post({ channel: 'C104' }, msg('parent'));
    await poster.upload({ channel: 'C104', threadTs: parent }, { filename: 'evidence.json', title: 'Evidence', content: 'z'.repeat(100_000) });
    const shared = slack.thread('C104', parent).find((m) => m.files);
    expect(shared?.files?.[0]?.content).toHaveLength(100_000);
  });
});
