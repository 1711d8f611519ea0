/**
 * `/dns health`, `/dns schedule … #channel`, `/dns schedules` and `/dns unschedule #channel` through
 * the whole bot: a real redis-server, the Slack emulator, the app in HTTP mode (signed requests) and
 * a cluster worker over a fake cluster (FakeRuntime: made-up health input, no cluster).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { HealthStore } from '../../src/store/health-store.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { approver, bystander, channel, messageText, secret, startHarness, type Harness } from './helpers/bot-harness.js';
import { capturedLog } from './helpers/captured-log.js';

describe('health commands in Slack (HTTP mode, emulator, fake cluster)', () => {
  let h: Harness;
  let runtime: FakeRuntime;
  const log = capturedLog('info');

  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab' });
    h = await startHarness({ runtime, channelIntervalMs: 0, log: log.logger });
  });
  afterAll(async () => h?.stop());

  const ask = (text: string, user = approver, ch = channel) => sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text, user, channel: ch }));
  const summaries = (ch: string) => h.slack.messages.filter((x) => x.channel === ch && x.text.startsWith('DNS health of lab'));

  it('acks /dns health at once and posts the summary in the channel, then compares the next one with it', async () => {
    const res = await ask('health', bystander);
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const m = await h.slack.waitFor('health summary', () => summaries(channel)[0]);
    expect(m.threadTs).toBeUndefined();
    expect(m.text).toMatch(/^DNS health of lab: DEGRADED \(/);
    const text = messageText(m);
    expect(text).toContain('coredns-b is not ready (CrashLoopBackOff)');
    expect(text).toContain('since the replicas started');
    expect(text).toContain(`<@${bystander}>`);
    expect(await new HealthStore(h.redis).previous('lab', channel)).toBeDefined();
    await ask('health', bystander);
    const second = await h.slack.waitFor('second summary', () => summaries(channel)[1]);
    expect(messageText(second)).toMatch(/Traffic\* since <!date\^\d+/);
  });

  it('queues one summary per channel at a time: asked again while it is on its way, the asker is told so', async () => {
    const ch = 'C0TWICE';
    await Promise.all([ask('health', bystander, ch), ask('health', approver, ch), ask('health', bystander, ch)]);
    const told = await h.slack.waitFor('told', () => { const e = h.slack.ephemerals.filter((x) => x.channel === ch); return e.length === 2 ? e : undefined; });
    for (const e of told) expect(e.text).toBe(':hourglass: A DNS health summary of *lab* for this channel is already on its way; it will be posted here.');
    await h.slack.waitFor('one summary', () => summaries(ch)[0]);
    await new Promise((r) => setTimeout(r, 500));
    expect(summaries(ch)).toHaveLength(1);
    // Once it is delivered, asking again gets a new one.
    await ask('health', approver, ch);
    await h.slack.waitFor('a second summary', () => summaries(ch)[1]);
  });

  it('uploads a trend chart (PNG, files.uploadV2) in the summary\'s thread when SERVFAIL rises', async () => {
    const ch = 'C0TRENDS';
    for (let i = 0; i < 3; i++) {
      await ask('health', bystander, ch);
      await h.slack.waitFor(`summary ${i + 1}`, () => summaries(ch)[i]);
    }
    expect(h.slack.messages.some((m) => m.channel === ch && m.files?.length)).toBe(false);
    runtime.healthServfail = 60;
    try {
      await ask('health', bystander, ch);
      const chart = await h.slack.waitFor('chart upload', () => h.slack.messages.find((m) => m.channel === ch && m.files?.some((f) => f.name === 'dns-health-trend.png')));
      expect(chart.threadTs).toBe(summaries(ch)[3]!.ts);
      expect(chart.text).toContain('SERVFAIL share of responses is');
      expect(chart.files![0]!.title).toBe('lab: SERVFAIL share of responses');
      // The summary itself carries the trend in text too, for readers who do not open the image.
      expect(messageText(summaries(ch)[3]!)).toContain('Trend over the last 4 summaries');
      const upload = h.slack.calls.filter((c) => c.method === 'upload').at(-1)!;
      expect(Number(upload.args.bytes)).toBeGreaterThan(500);
    } finally {
      runtime.healthServfail = 0;
    }
  });

  it('answers a bad schedule ephemerally with an example, before any work', async () => {
    const res = await ask('schedule daily 25:00');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('daily 09:00');
    expect(await h.queues.cluster('lab').getJobSchedulers()).toEqual([]);
  });

  it('schedules summaries into another #channel, lists them, and unschedules them from there', async () => {
    const target = 'C0DNSHEALTH';
    await ask(`schedule */1 * * * * * lab <#${target}|dns-health>`);
    const notice = await h.slack.waitFor('schedule notice', () => h.slack.messages.find((x) => x.channel === channel && x.text.includes('scheduled a DNS health summary')));
    expect(notice.text).toContain(`<#${target}>`);
    expect(notice.text).toContain('next run');
    const schedulers = await h.queues.cluster('lab').getJobSchedulers();
    expect(schedulers.map((s) => [s.pattern, s.tz, (s.template?.data as { channel: string }).channel])).toEqual([['*/1 * * * * *', 'UTC', target]]);
    const scheduled = await h.slack.waitFor('a scheduled summary in the target channel', () => summaries(target)[0], 20_000);
    expect(messageText(scheduled)).toContain(`Scheduled by <@${approver}>`);

    await ask('schedules', bystander);
    const list = await h.slack.waitFor('schedule list', () => h.slack.ephemerals.find((e) => e.user === bystander && e.text.includes('scheduled DNS health summar')));
    expect(messageText(list)).toContain(`<#${target}>`);
    expect(messageText(list)).toContain('*/1 * * * * *');

    await ask(`unschedule <#${target}>`);
    await h.slack.waitFor('unschedule notice', () => h.slack.messages.find((x) => x.channel === channel && x.text.includes('removed the scheduled DNS health summary of lab')));
    expect(await h.queues.cluster('lab').getJobSchedulers()).toEqual([]);
    await ask('unschedule', approver);
    await h.slack.waitFor('nothing to unschedule', () => h.slack.messages.find((x) => x.channel === channel && x.text.includes('No scheduled DNS health summary for this channel')));
  }, 40_000);

  it('a scheduled summary to a channel the bot has not joined (not_in_channel) logs how to invite it, as the confirmation says, and the next run posts once invited', async () => {
    const target = 'C0PRIVATE';
    await ask(`schedule */1 * * * * * lab <#${target}|private-dns>`);
    const notice = await h.slack.waitFor('schedule notice', () => h.slack.messages.find((x) => x.channel === channel && x.text.includes(`summary of *lab* in <#${target}>`)));
    expect(notice.text).toContain(`invite the bot there with \`/invite @dnswhy\` in <#${target}>`);
    // Slack refuses the next post: the bot is not a member of the channel.
    h.slack.inject('chat.postMessage', 1, { error: 'not_in_channel' });
    const warned = await h.slack.waitFor('the log line', () => log.lines().find((l) => l.error === 'not_in_channel'), 20_000);
    expect(warned).toMatchObject({ channel: target, cluster: 'lab', scheduled: true });
    expect(String(warned.msg)).toContain(`dnswhy is not a member of the channel; invite the bot there with \`/invite @dnswhy\` in <#${target}>`);
    // Invited: the next run posts.
    await h.slack.waitFor('a summary once invited', () => summaries(target)[0], 20_000);
    await ask(`unschedule <#${target}>`);
    await h.slack.waitFor('unscheduled', () => h.slack.messages.find((x) => x.channel === channel && x.text.includes(`from <#${target}>`)));
  }, 60_000);
});
