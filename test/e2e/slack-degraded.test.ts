/**
 * Auxiliary Slack calls never block the answer: a failing chat.getPermalink leaves the report
 * without a link (the fix buttons still come, on the first attempt), a failing file upload puts
 * the evidence inline and cut with a note (the long details, uploaded when Show details is pressed), and a failing usergroups.users.list falls back to the
 * last list seen. Real redis-server, the Slack emulator, the app and a worker over a fake diagnosis
 * (mocked cluster).
 */
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApproverPolicy } from '../../src/slack/approvals/approver-policy.js';
import { actionIds } from '../../src/slack/ids.js';
import { blockActionsBody, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { FakeRuntime } from '../jobs/helpers/fake-runtime.js';
import { buttons, messageText, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

describe('degraded auxiliary calls (fake diagnosis, mocked cluster)', { timeout: 60_000 }, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ runtime: new FakeRuntime({ name: 'lab', extraFindings: 30 }) });
  });
  afterAll(async () => h?.stop());

  /** The report delivery job of a channel once it completed (the buttons come a moment before). */
  const completedReport = async (ch: string) => {
    for (let i = 0; i < 200; i++) {
      const job = (await h.queues.post.getJobs(['completed'])).find((j) => j.data.kind === 'report' && j.data.thread.channel === ch);
      if (job) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    return undefined;
  };
  const ask = (ch: string, name: string) => sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: `why default/web-7d9 ${name}`, user: requester, channel: ch }));

  it('posts the fix buttons on the first attempt when chat.getPermalink fails', async () => {
    const ch = 'C0NOLINK';
    h.slack.inject('chat.getPermalink', 1000, { error: 'internal_error' });
    try {
      await ask(ch, 's3.cloud-b.example');
      const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === ch && !m.threadTs));
      const fix = await h.slack.waitFor('fix buttons', () => h.slack.thread(ch, parent.ts).find((m) => buttons(m)[actionIds.approveFix]), 20_000);
      expect(fix).toBeDefined();
      // The report message (with its buttons) is posted before the permalink is asked for.
      const report = await completedReport(ch);
      expect(h.slack.callsOf('chat.getPermalink').some((c) => c.error === 'internal_error')).toBe(true);
      expect(report?.attemptsMade).toBe(1);
    } finally {
      h.slack.inject('chat.getPermalink', 0, { error: 'internal_error' });
    }
  });

  // The report itself uploads nothing now; its long details are uploaded when Show details is pressed.
  it('puts the details inline, cut with a note, when their upload fails, and still posts the fix', async () => {
    const ch = 'C0NOUPLOAD';
    h.slack.inject('files.getUploadURLExternal', 1000, { error: 'internal_error' });
    try {
      await ask(ch, 'other.cloud-b.example');
      const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === ch && !m.threadTs));
      const fix = await h.slack.waitFor('fix buttons', () => h.slack.thread(ch, parent.ts).find((m) => buttons(m)[actionIds.approveFix]), 20_000);
      expect(fix).toBeDefined();
      await sendSigned(h.bot.eventsUrl!, secret, blockActionsBody({ user: requester, channel: ch, messageTs: fix.ts, threadTs: parent.ts, actionId: actionIds.showDetails, value: buttons(fix)[actionIds.showDetails]! }));
      await h.slack.waitFor('inline details', () => h.slack.thread(ch, parent.ts).find((m) => m.text.includes('could not be uploaded')), 20_000);
      const thread = h.slack.thread(ch, parent.ts);
      expect(thread.some((m) => m.files)).toBe(false);
      const inline = thread.find((m) => m.text.includes('could not be uploaded'));
      expect(inline).toBeDefined();
      expect(messageText(inline!)).toContain('internal_error');
      expect(messageText(inline!)).toContain('more line');
      expect(messageText(inline!)).toContain('s3.cloud-b.example'.replace('s3', 'other'));
      const report = await completedReport(ch);
      expect(report?.attemptsMade).toBe(1);
    } finally {
      h.slack.inject('files.getUploadURLExternal', 0, { error: 'internal_error' });
    }
  });

  it('uses the last user-group list seen when usergroups.users.list fails, and refuses without one', async () => {
    const client = new WebClient('xoxb-emulator', { slackApiUrl: h.slack.apiUrl, retryConfig: { retries: 0 } });
    const policy = new ApproverPolicy(client, { users: [], groups: ['S0ONCALL'], forbidSelfApproval: true }, 0);
    expect(await policy.check('U0ONCALL', 'U0ASKER')).toEqual({ ok: true });
    h.slack.inject('usergroups.users.list', 1000, { error: 'internal_error' });
    try {
      expect(await policy.check('U0ONCALL', 'U0ASKER')).toEqual({ ok: true });
      expect((await policy.check('U0BYSTANDER', 'U0ASKER')).ok).toBe(false);
      expect(policy.staleUses).toBe(2);
      const fresh = new ApproverPolicy(client, { users: [], groups: ['S0ONCALL'], forbidSelfApproval: true }, 0);
      const d = await fresh.check('U0ONCALL', 'U0ASKER');
      expect(d.ok === false && d.reason).toContain('internal_error');
    } finally {
      h.slack.inject('usergroups.users.list', 0, { error: 'internal_error' });
    }
  });
});
