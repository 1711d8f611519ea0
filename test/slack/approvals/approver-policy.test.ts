import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApproverPolicy } from '../../../src/slack/approvals/approver-policy.js';
import { startSlackEmulator, type SlackEmulator } from '../../../src/emulators/slack/slack-emulator.js';

describe('ApproverPolicy (user groups through the emulator)', () => {
  let slack: SlackEmulator;
  let client: WebClient;
  beforeAll(async () => {
    slack = await startSlackEmulator({ usergroups: { S0ONCALL: ['U0MEMBER'] } });
    client = new WebClient('xoxb-emulator', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  });
  afterAll(async () => slack.stop());

  it('accepts listed users and group members, refuses others and self-approval', async () => {
    const policy = new ApproverPolicy(client, { users: ['U0LEAD'], groups: ['S0ONCALL'], forbidSelfApproval: true });
    expect(await policy.check('U0LEAD', 'U0ASKER')).toEqual({ ok: true });
    expect(await policy.check('U0MEMBER', 'U0ASKER')).toEqual({ ok: true });
    expect((await policy.check('U0RANDOM', 'U0ASKER')).ok).toBe(false);
    const self = await policy.check('U0MEMBER', 'U0MEMBER');
    expect(self.ok === false && self.reason).toContain('your own');
    // Cached: the group was listed once.
    expect(slack.callsOf('usergroups.users.list')).toHaveLength(1);
  });

  it('allows self-approval when the rule is off', async () => {
    const policy = new ApproverPolicy(client, { users: ['U0LEAD'], groups: [], forbidSelfApproval: false });
    expect(await policy.check('U0LEAD', 'U0LEAD')).toEqual({ ok: true });
  });

  it('refuses (never grants) when the group lookup fails', async () => {
    const policy = new ApproverPolicy(client, { users: [], groups: ['S0ONCALL'], forbidSelfApproval: true });
    slack.inject('usergroups.users.list', 1, { error: 'internal_error' });
    const d = await policy.check('U0MEMBER', 'U0ASKER');
    expect(d.ok).toBe(false);
    expect(d.ok === false && d.reason).toContain('internal_error');
    expect(await policy.check('U0MEMBER', 'U0ASKER')).toEqual({ ok: true });
  });
});
