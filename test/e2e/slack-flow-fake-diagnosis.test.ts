/**
 * The whole bot with a real redis-server, the Slack emulator, the app in HTTP mode and a cluster
 * worker, over a fake diagnosis (mocked cluster): the lab-backed variant is slack-lab.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIds } from '../../src/slack/ids.js';
import { blockActionsBody, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import { FakeRuntime, fixedCorefile, brokenCorefile } from '../jobs/helpers/fake-runtime.js';
import { approver, approver2, bystander, buttons, channel, messageText, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

describe('Slack flow over a fake diagnosis (mocked cluster)', () => {
  let h: Harness;
  let runtime: FakeRuntime;

  beforeAll(async () => {
    runtime = new FakeRuntime({ name: 'lab' });
    h = await startHarness({ runtime });
  });
  afterAll(async () => h?.stop());

  const ask = (text: string, user = requester, ch = channel) => sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text, user, channel: ch }));
  // Slack sends the thread of a clicked reply with the click, as the emulator knows it.
  const threadOf = (ts: string) => { const t = h.slack.messages.find((m) => m.ts === ts)?.threadTs; return t ? { threadTs: t } : {}; };
  const click = (user: string, actionId: string, value: string, messageTs: string) => sendSigned(h.bot.eventsUrl!, secret, blockActionsBody({ user, channel, messageTs, ...threadOf(messageTs), actionId, value }));

  let parentTs = '';
  let proposalId = '';
  let fixTs = '';

  // The report is one message: the cause and the recommended fix with Approve & apply on the first
  // screen, evidence and the change behind Show details; the parent shows the verdict once known.
  it('answers /dns why with a parent message (updated with the verdict), a progress message and one report message with the fix buttons', async () => {
    const res = await ask('why default/web-7d9 s3.cloud-b.example');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const parent = await h.slack.waitFor('parent message', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    parentTs = parent.ts;
    expect(parent.text).toContain('Diagnosing s3.cloud-b.example from default/web-7d9');
    expect(parent.text).toContain(`<@${requester}>`);
    const fix = await h.slack.waitFor('fix proposal', () => h.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.approveFix]));
    fixTs = fix.ts;
    proposalId = buttons(fix)[actionIds.approveFix]!;
    expect(Object.keys(buttons(fix)).sort()).toEqual([actionIds.approveFix, actionIds.dismissFix, actionIds.showDetails].sort());
    expect(buttons(fix)[actionIds.dismissFix]).toBe(proposalId);
    expect(buttons(fix)[actionIds.showDetails]).toMatch(/^rep-[a-f0-9]+$/);
    const thread = h.slack.thread(channel, parentTs);
    const progress = thread[1]!;
    expect(progress.edits).toBeGreaterThan(0);
    expect(progress.text).toContain('Diagnosing');
    // Parent, progress, report: nothing else before a click.
    expect(thread).toHaveLength(3);
    expect(thread[2]!.ts).toBe(fixTs);
    expect(messageText(fix)).toContain('Recommended fix:* Forward cloud-b.example');
    expect(messageText(fix)).not.toContain('cloud-b.example:53');
    await h.slack.waitFor('parent verdict', () => (h.slack.messages.find((m) => m.ts === parentTs)!.edits > 0 ? true : undefined));
    expect(h.slack.messages.find((m) => m.ts === parentTs)!.text).toContain('Broken: s3.cloud-b.example from default/web-7d9: The upstream answers a public address');
    // Every post in the thread carries thread_ts = the parent's ts.
    for (const m of thread.slice(1)) expect(m.threadTs).toBe(parentTs);
    const stored = await new ProposalStore(h.redis).get(proposalId);
    expect(stored).toMatchObject({ status: 'pending', cluster: 'lab', requestedBy: requester, object: { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns', resourceVersion: '100' } });
  });

  it("refuses a non-approver's click ephemerally and changes nothing", async () => {
    const before = h.slack.messages.length;
    expect((await click(bystander, actionIds.approveFix, proposalId, fixTs)).status).toBe(200);
    const refusal = await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((e) => e.user === bystander));
    expect(refusal.text).toContain('not an approver');
    expect(runtime.applies).toBe(0);
    expect(runtime.corefile).toBe(brokenCorefile);
    expect((await new ProposalStore(h.redis).get(proposalId))?.status).toBe('pending');
    expect(h.slack.messages.length).toBe(before);
  });

  it('refuses the requester approving their own fix', async () => {
    await click(requester, actionIds.approveFix, proposalId, fixTs);
    const refusal = await h.slack.waitFor('self refusal', () => h.slack.ephemerals.find((e) => e.user === requester && e.text.includes('your own')));
    expect(refusal).toBeDefined();
    expect(runtime.applies).toBe(0);
  });

  it("applies once on two concurrent approvers' clicks, verifies, and offers Rollback", async () => {
    const [a, b] = await Promise.all([click(approver, actionIds.approveFix, proposalId, fixTs), click(approver2, actionIds.approveFix, proposalId, fixTs)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const result = await h.slack.waitFor('apply result', () => h.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.rollbackFix]));
    expect(runtime.applies).toBe(1);
    expect(runtime.corefile).toBe(fixedCorefile);
    expect(messageText(result)).toContain('Verified');
    const loser = await h.slack.waitFor('loser told', () => h.slack.ephemerals.find((e) => (e.user === approver || e.user === approver2) && e.text.includes('already')));
    expect(loser.text).toMatch(/already being applied|already applied/);
    // The change is shown once, in the details (posted at approval); approval and result name it by hash.
    const audit = h.slack.thread(channel, parentTs).find((m) => m.text.startsWith('Approved by'));
    expect(audit).toBeDefined();
    const hash = /change `([0-9a-f]{12})`/.exec(messageText(audit!))?.[1];
    expect(hash).toBeDefined();
    expect(messageText(audit!)).not.toContain('cloud-b.example:53');
    expect(messageText(result)).toContain(`change \`${hash}\``);
    expect(messageText(result)).toContain('resourceVersion 100 → 101');
    const withDiff = h.slack.thread(channel, parentTs).filter((m) => messageText(m).includes('cloud-b.example:53'));
    expect(withDiff).toHaveLength(1);
    expect(withDiff[0]!.text).toMatch(/^Details/);
    expect(h.slack.messages.find((m) => m.ts === fixTs)!.edits).toBeGreaterThan(0);
    const stored = await new ProposalStore(h.redis).get(proposalId);
    expect(stored?.status).toBe('applied');
    // A late double click changes nothing.
    await click(approver, actionIds.approveFix, proposalId, fixTs);
    await h.slack.waitFor('late click refused', () => h.slack.ephemerals.filter((e) => e.user === approver && e.text.includes('already')).length >= 1 || undefined);
    expect(runtime.applies).toBe(1);
  });

  it('rolls back on an approver click (same rules: a bystander is refused)', async () => {
    const result = h.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.rollbackFix])!;
    await click(bystander, actionIds.rollbackFix, proposalId, result.ts);
    await h.slack.waitFor('bystander refused', () => h.slack.ephemerals.filter((e) => e.user === bystander).length >= 2 || undefined);
    expect(runtime.rollbacks).toBe(0);
    await click(approver2, actionIds.rollbackFix, proposalId, result.ts);
    await h.slack.waitFor('rolled back', () => h.slack.thread(channel, parentTs).find((m) => m.text.startsWith('Rolled back')));
    expect(runtime.rollbacks).toBe(1);
    expect(runtime.corefile).toBe(brokenCorefile);
    expect((await new ProposalStore(h.redis).get(proposalId))?.status).toBe('rolled-back');
  });

  it('references a finding already reported in the channel instead of re-posting it', async () => {
    await ask('why default/web-7d9 s3.cloud-b.example');
    const parents = await h.slack.waitFor('second parent', () => {
      const p = h.slack.messages.filter((m) => m.channel === channel && !m.threadTs);
      return p.length >= 2 ? p : undefined;
    });
    const second = parents[1]!;
    const report = await h.slack.waitFor('second report', () => h.slack.thread(channel, second.ts).find((m) => messageText(m).includes('Already reported')));
    expect(messageText(report)).toContain(`thread_ts=${parentTs}`);
    expect(h.slack.thread(channel, second.ts).some((m) => buttons(m)[actionIds.approveFix])).toBe(false);
  });

  it('answers usage errors ephemerally with an example, before any work', async () => {
    const res = await ask('why just-a-pod');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body)).toContain('Example: `/dns why');
    const help = JSON.parse((await ask('help')).body) as { text: string };
    expect(help.text).toContain('help');
  });

  it('lists clusters with a live worker', async () => {
    await ask('clusters', bystander);
    const e = await h.slack.waitFor('cluster list', () => h.slack.ephemerals.find((x) => x.user === bystander && x.text.includes('Clusters with a live worker')));
    expect(e.text).toContain('*lab*');
  });

  it('posts a DNS health summary of the cluster in the channel', async () => {
    await ask('health', bystander);
    const m = await h.slack.waitFor('health', () => h.slack.messages.find((x) => x.channel === channel && x.text.startsWith('DNS health of lab')));
    expect(m.threadTs).toBeUndefined();
    expect(m.text).toContain('coredns-b is not ready');
    expect(messageText(m)).toContain('zone-1 2');
  });

  it('schedules a recurring health summary for the channel, and unschedules it', async () => {
    const sched = 'C0SCHEDULE';
    const before = () => h.slack.messages.filter((x) => x.channel === sched && x.text.startsWith('DNS health of lab')).length;
    const start = before();
    await ask('schedule */1 * * * * * lab', approver, sched);
    await h.slack.waitFor('schedule notice', () => h.slack.messages.find((x) => x.text.includes('scheduled a DNS health summary')));
    expect(await h.queues.cluster('lab').getJobSchedulers()).toHaveLength(1);
    await h.slack.waitFor('two scheduled summaries', () => before() >= start + 2 || undefined, 20_000);
    await ask('unschedule', approver, sched);
    await h.slack.waitFor('unschedule notice', () => h.slack.messages.find((x) => x.text.includes('removed the scheduled DNS health summary of lab')));
    expect(await h.queues.cluster('lab').getJobSchedulers()).toHaveLength(0);
  });

  it('refuses an unknown cluster and reports an unknown pod with candidates without retrying', async () => {
    await ask('why prod-eu/payments/api-7f9 db.example.org', approver);
    const e = await h.slack.waitFor('unknown cluster', () => h.slack.ephemerals.find((x) => x.user === approver && x.text.includes('prod-eu')));
    expect(e.text).toContain('Live clusters: lab');
    const before = runtime.diagnoses;
    await ask('why default/web-7 db.example.org', approver);
    const failed = await h.slack.waitFor('not found', () => h.slack.messages.find((m) => m.text.includes('Could not diagnose')));
    expect(failed.text).toContain('web-7d9');
    const job = await h.queues.cluster('lab').getJobs(['failed']);
    const nf = job.find((j) => j.data.target?.pod === 'default/web-7');
    expect(nf?.attemptsMade).toBe(1);
    expect(runtime.diagnoses).toBe(before + 1);
  });
});
