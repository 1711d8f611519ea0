/**
 * Boundaries of the Slack side: a click counts only in the thread where its proposal was posted,
 * schedules into another channel are for approvers (or the configured schedulers), interactive
 * payloads missing who/where get a 400, command text has a size limit, and an expired proposal
 * applies nothing. Real redis-server, Slack emulator, app in HTTP mode and a cluster worker over
 * a fake diagnosis (mocked cluster).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/ids.js';
import { blockActionsBody, blockActionsPayload, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import { FakeRuntime, brokenCorefile } from '../jobs/helpers/fake-runtime.js';
import { approver, approver2, bystander, buttons, channel, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';
import { capturedLog } from '../slack/helpers/captured-log.js';

const otherChannel = 'C0ELSEWHERE';

describe('clicks are bound to the thread of their proposal (fake diagnosis, mocked cluster)', () => {
  let h: Harness;
  let runtime: FakeRuntime;
  const log = capturedLog();
  let parentTs = '';
  let proposalId = '';
  let fixTs = '';

  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab' });
    h = await startHarness({ runtime, log: log.logger });
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: requester, channel }));
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    parentTs = parent.ts;
    const fix = await h.slack.waitFor('fix proposal', () => h.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.approveFix]));
    fixTs = fix.ts;
    proposalId = buttons(fix)[actionIds.approveFix]!;
  });
  afterAll(async () => h?.stop());

  const click = (user: string, actionId: string, ch: string, messageTs: string, threadTs?: string) =>
    sendSigned(h.bot.eventsUrl!, secret, blockActionsBody({ user, channel: ch, messageTs, ...(threadTs ? { threadTs } : {}), actionId, value: proposalId }));
  const postsIn = (ch: string) => h.slack.messages.filter((m) => m.channel === ch).length;

  it("refuses an approver's click carrying the proposal id from another channel: nothing applies, the proposal's channel hears nothing", async () => {
    // Another channel, with a message of its own to click on.
    // Parent, progress and the one report message (which carries the fix buttons).
    await h.slack.waitFor('settled', () => h.slack.thread(channel, parentTs).length >= 3 || undefined);
    const before = postsIn(channel);
    expect((await click(approver, actionIds.approveFix, otherChannel, '1700000000.000001')).status).toBe(200);
    const refusal = await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((e) => e.user === approver && e.channel === otherChannel));
    expect(refusal.text).toContain('belongs to a proposal posted in another thread');
    await new Promise((r) => setTimeout(r, 500));
    expect(runtime.applies).toBe(0);
    expect(runtime.corefile).toBe(brokenCorefile);
    expect((await new ProposalStore(h.redis).get(proposalId))?.status).toBe('pending');
    expect(postsIn(channel)).toBe(before);
    expect(log.lines().some((l) => l.msg === 'refused a click outside its proposal thread' && l.proposal === proposalId)).toBe(true);
  });

  it('refuses a click from another message of the same channel that is not in the proposal thread', async () => {
    await click(approver, actionIds.dismissFix, channel, '1700000000.000002');
    await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((e) => e.user === approver && e.channel === channel && e.text.includes('another thread')));
    expect((await new ProposalStore(h.redis).get(proposalId))?.status).toBe('pending');
  });

  it('refuses a dismiss from another channel', async () => {
    await click(requester, actionIds.dismissFix, otherChannel, '1700000000.000003');
    await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((e) => e.user === requester && e.channel === otherChannel && e.text.includes('another thread')));
    expect((await new ProposalStore(h.redis).get(proposalId))?.status).toBe('pending');
  });

  it('applies from the proposal message itself, then refuses a rollback from another channel and accepts it from the thread', async () => {
    await click(approver, actionIds.approveFix, channel, fixTs, parentTs);
    const result = await h.slack.waitFor('apply result', () => h.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.rollbackFix]));
    expect(runtime.applies).toBe(1);
    const before = postsIn(channel);
    await click(approver2, actionIds.rollbackFix, otherChannel, '1700000000.000004');
    await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((e) => e.user === approver2 && e.channel === otherChannel && e.text.includes('another thread')));
    await new Promise((r) => setTimeout(r, 500));
    expect(runtime.rollbacks).toBe(0);
    expect(postsIn(channel)).toBe(before);
    expect((await new ProposalStore(h.redis).get(proposalId))?.status).toBe('applied');
    // The rollback button lives on the result message, a reply in the same thread.
    await click(approver2, actionIds.rollbackFix, channel, result.ts, parentTs);
    await h.slack.waitFor('rolled back', () => h.slack.thread(channel, parentTs).find((m) => m.text.startsWith('Rolled back')));
    expect(runtime.rollbacks).toBe(1);
  });

  it('answers an interactive payload without a user, team or channel with a 400 and a log line', async () => {
    const base = blockActionsPayload({ user: approver, channel, messageTs: fixTs, actionId: actionIds.approveFix, value: proposalId });
    const strip = (p: Record<string, unknown>, ...keys: string[]) => {
      const copy = JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
      for (const k of keys) delete copy[k];
      return copy;
    };
    const cases: [string, Record<string, unknown>][] = [
      ['user', strip(base, 'user')],
      ['team', { ...strip(base, 'team'), user: { id: approver } }],
      ['channel', strip(base, 'channel', 'container')],
    ];
    for (const [missing, payload] of cases) {
      const res = await sendSigned(h.bot.eventsUrl!, secret, 'payload=' + encodeURIComponent(JSON.stringify(payload)));
      expect(res.status, missing).toBe(400);
      expect(res.body).toContain(missing);
      expect(log.lines().some((l) => l.msg === 'refused a Slack request' && String(l.detail).includes(missing)), missing).toBe(true);
    }
  });

  it('refuses an interactive payload over the 1 MB request limit with a 413 that names the limit, before reading further', async () => {
    const before = runtime.applies;
    const payload = { ...blockActionsPayload({ user: approver, channel, messageTs: fixTs, actionId: actionIds.approveFix, value: proposalId }), padding: 'x'.repeat(1_100_000) };
    const res = await sendSigned(h.bot.eventsUrl!, secret, 'payload=' + encodeURIComponent(JSON.stringify(payload)));
    expect(res.status).toBe(413);
    expect(res.body).toBe('too-large: the request body is over 1000000 bytes, the limit for a Slack request');
    expect(log.lines().some((l) => l.msg === 'refused a Slack request' && l.reason === 'too-large')).toBe(true);
    expect(runtime.applies).toBe(before);
  });

  it('answers a body Bolt would choke on (an event that is not an object, actions that are not a list) with a 400 naming the field', async () => {
    const before = runtime.applies;
    const base = blockActionsPayload({ user: approver, channel, messageTs: fixTs, actionId: actionIds.approveFix, value: proposalId });
    const bodies: [string, string][] = [
      ['payload=' + encodeURIComponent(JSON.stringify({ type: 'event_callback', team_id: 'T0EMULATOR', event: 5 })), 'the event_callback payload has no event object'],
      ['payload=' + encodeURIComponent(JSON.stringify({ ...base, actions: null })), 'the block_actions payload has actions that are not a list of objects'],
      ['payload=' + encodeURIComponent(JSON.stringify({ ...base, user: null })), 'the block_actions payload has a user that is not an object'],
      ['payload=' + encodeURIComponent(JSON.stringify({ ...base, type: 'something_new', user: undefined })), 'the something_new payload has no user'],
    ];
    for (const [body, detail] of bodies) {
      const res = await sendSigned(h.bot.eventsUrl!, secret, body);
      expect(res.status, detail).toBe(400);
      expect(res.body).toBe(`incomplete-payload: ${detail}`);
    }
    expect(runtime.applies).toBe(before);
  });

  it('refuses an over-long command text with a message that says so', async () => {
    const res = await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: `why default/web-7d9 ${'a'.repeat(5000)}`, user: requester, channel }));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/command text is 5\d{3} characters long; the limit is \d+/);
  });
});

describe('schedules into another channel are for approvers or the configured schedulers (fake diagnosis, mocked cluster)', () => {
  let h: Harness;
  const home = 'C0HOME';
  const target = 'C0TARGET';

  beforeAll(async () => {
    h = await startHarness({ runtime: new FakeRuntime({ name: 'lab' }) });
  });
  afterAll(async () => h?.stop());

  const ask = (text: string, user: string, ch = home) => sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text, user, channel: ch }));
  const schedulers = async () => (await h.queues.cluster('lab').getJobSchedulers()).length;

  it("refuses a bystander scheduling a summary into another channel, ephemerally, and creates nothing", async () => {
    await ask(`schedule daily 09:00 lab <#${target}|target>`, bystander);
    const e = await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((x) => x.user === bystander && x.channel === home));
    expect(e.text).toContain('Only approvers');
    expect(await schedulers()).toBe(0);
    expect(h.slack.messages.filter((m) => m.channel === home || m.channel === target)).toHaveLength(0);
  });

  it('lets a bystander schedule into the channel they are in, and an approver into another one', async () => {
    await ask('schedule daily 09:00 lab', bystander);
    await h.slack.waitFor('own channel', () => h.slack.messages.find((m) => m.channel === home && m.text.includes('scheduled a DNS health summary')));
    await ask(`schedule daily 10:00 lab <#${target}|target>`, approver);
    await h.slack.waitFor('other channel', () => h.slack.messages.find((m) => m.channel === home && m.text.includes(`<#${target}>`)));
    expect(await schedulers()).toBe(2);
  });

  it("refuses a bystander removing another channel's schedule, and lets an approver remove it", async () => {
    await ask(`unschedule lab <#${target}|target>`, bystander);
    await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((x) => x.user === bystander && x.text.includes('Only approvers') && x.text.includes('remove')));
    expect(await schedulers()).toBe(2);
    await ask(`unschedule lab <#${target}|target>`, approver);
    await h.slack.waitFor('removed', () => h.slack.messages.find((m) => m.channel === home && m.text.includes('removed the scheduled DNS health summary')));
    expect(await schedulers()).toBe(1);
  });
});

describe('a configured list of schedulers replaces the approvers for schedules (fake diagnosis, mocked cluster)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ runtime: new FakeRuntime({ name: 'lab' }), schedulers: { users: [bystander], groups: [] } });
  });
  afterAll(async () => h?.stop());

  it('lets a listed scheduler schedule elsewhere and refuses an approver who is not listed', async () => {
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'schedule daily 09:00 lab <#C0TARGET|t>', user: approver, channel: 'C0HOME' }));
    await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((x) => x.user === approver && x.text.includes('Only')));
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'schedule daily 09:00 lab <#C0TARGET|t>', user: bystander, channel: 'C0HOME' }));
    await h.slack.waitFor('scheduled', () => h.slack.messages.find((m) => m.text.includes('scheduled a DNS health summary')));
    expect(await h.queues.cluster('lab').getJobSchedulers()).toHaveLength(1);
  });
});

describe('an expired proposal applies nothing (fake diagnosis, mocked cluster)', () => {
  let h: Harness;
  let runtime: FakeRuntime;

  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab' });
    h = await startHarness({ runtime, proposalTtlSeconds: 1 });
  });
  afterAll(async () => h?.stop());

  it('answers every button of an expired proposal with "expired, re-run the diagnosis" and changes nothing', async () => {
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why default/web-7d9 s3.cloud-b.example', user: requester, channel }));
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    const fix = await h.slack.waitFor('fix', () => h.slack.thread(channel, parent.ts).find((m) => buttons(m)[actionIds.approveFix]));
    const id = buttons(fix)[actionIds.approveFix]!;
    await new Promise((r) => setTimeout(r, 1500));
    for (const [user, action] of [[approver, actionIds.approveFix], [requester, actionIds.dismissFix], [approver2, actionIds.showDiff]] as const) {
      await sendSigned(h.bot.eventsUrl!, secret, blockActionsBody({ user, channel, messageTs: fix.ts, threadTs: parent.ts, actionId: action, value: id }));
      const e = await h.slack.waitFor(`${action} answered`, () => h.slack.ephemerals.find((x) => x.user === user));
      expect(e.text, action).toContain('expired');
      expect(e.text, action).toContain('run the diagnosis again');
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(runtime.applies).toBe(0);
    expect((await new ProposalStore(h.redis).get(id))?.status).toBe('pending');
  });
});
