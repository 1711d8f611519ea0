/**
 * End to end with the real parts: a real redis-server, the embedded lab (seed 000, hybrid-cloud
 * split horizon) diagnosed by the real orchestrator, the app in HTTP mode with signed requests,
 * the Slack emulator, and the real kubectl to look at the lab's ConfigMap. The bot's JSON log is
 * kept: the diagnosis start and end lines and the audit lines of the approval and the apply carry
 * the job id and the Slack request id (trigger_id) of the click.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClusterRuntime, type OpenedRuntime } from '../../jobs/open-cluster-runtime.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import { DnswhyMetrics } from '../../src/ops/metrics.js';
import { changeHash } from '../../src/core/report/change-view.js';
import { jobId } from '../../src/queue/job-id.js';
import { capturedLog } from '../slack/helpers/captured-log.js';
import { actionIds } from '../../src/slack/ids.js';
import { blockActionsBody, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { allButtons, approver, approver2, bystander, buttons, channel, messageText, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

const scenario = join(import.meta.dirname, '..', '..', 'scenarios', '000-hybrid-cloud-split-horizon.yaml');

describe('Slack bot over the lab (seed 000: hybrid-cloud split horizon)', { timeout: 120_000 }, () => {
  let h: Harness;
  let runtime: OpenedRuntime;
  const metrics = new DnswhyMetrics();
  const log = capturedLog('info');
  const counted = async (name: string, labels: string) => {
    const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };

  beforeAll(async () => {
    runtime = await openClusterRuntime({ name: 'lab', lab: scenario, burst: { count: 20, concurrency: 5 }, reloadTimeoutMs: 10_000, pollMs: 100 });
    h = await startHarness({ runtime, metrics, log: log.logger });
  }, 120_000);
  afterAll(async () => h?.stop());

  async function kubectl(...args: string[]): Promise<string> {
    const kubeconfig = runtime.lab!.kubeconfigPath;
    const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { ...process.env, HOME: kubeconfig.replace(/\/[^/]+$/, '') } });
    return stdout;
  }
  const corefile = () => kubectl('-n', 'kube-system', 'get', 'configmap', 'coredns', '-o', 'jsonpath={.data.Corefile}');
  // Slack sends the thread of a clicked reply with the click, as the emulator knows it.
  const threadOf = (ts: string) => { const t = h.slack.messages.find((m) => m.ts === ts)?.threadTs; return t ? { threadTs: t } : {}; };
  const click = (user: string, actionId: string, value: string, messageTs: string, triggerId?: string) => sendSigned(h.bot.eventsUrl!, secret, blockActionsBody({ user, channel, messageTs, ...threadOf(messageTs), actionId, value, ...(triggerId ? { triggerId } : {}) }));

  let parentTs = '';
  let fixTs = '';
  let proposalId = '';
  let original = '';

  // The report recommends the narrowest fix (hostAliases on the workload); the Corefile view is one of
  // the "Other fixes", opened with a click, each with its own Approve button.
  it('answers a signed /dns why with one report message; Other fixes opens the Corefile fix with its own Approve button', async () => {
    original = await corefile();
    const res = await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example', user: requester, channel, triggerId: 'T-why-1' }));
    expect(res.status).toBe(200);
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    parentTs = parent.ts;
    const report = await h.slack.waitFor('report', () => h.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.approveFix]), 90_000);
    expect(messageText(report)).toContain('upstream-split-horizon');
    // One line when the diagnosis starts and one when it ends, with the job id and the command's trigger_id.
    const diag = log.lines().filter((l) => l.event === 'diagnosis-start' || l.event === 'diagnosis-end');
    expect(diag.map((l) => l.event)).toEqual(['diagnosis-start', 'diagnosis-end']);
    expect(diag[0]).toMatchObject({ slackRequest: 'T-why-1', cluster: 'lab', target: 'mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example', requestedBy: requester });
    expect(diag[1]).toMatchObject({ job: diag[0]!.job, slackRequest: 'T-why-1', outcome: 'broken', checks: expect.arrayContaining(['upstream-split-horizon']) });
    expect(messageText(report)).toContain('Recommended fix:* Pin s3.cloud-b.example');
    const other = buttons(report)[actionIds.otherFixes]!;
    expect(other).toMatch(/^rep-[a-f0-9]+\/0$/);
    await click(requester, actionIds.otherFixes, other, report.ts);
    const opened = await h.slack.waitFor('other fixes opened', () => {
      const m = h.slack.messages.find((x) => x.ts === report.ts)!;
      return allButtons(m).filter((b) => b.actionId === actionIds.approveFix).length === 2 ? m : undefined;
    });
    expect(messageText(opened)).toContain('view zone-cloud-b-1');
    fixTs = opened.ts;
    proposalId = allButtons(opened).filter((b) => b.actionId === actionIds.approveFix)[1]!.value;
    const p = await new ProposalStore(h.redis).get(proposalId);
    expect(p).toMatchObject({ checkId: 'upstream-split-horizon', status: 'pending', object: { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' } });
  });

  it("ignores a non-approver's click: the ConfigMap is unchanged (kubectl)", async () => {
    await click(bystander, actionIds.approveFix, proposalId, fixTs, 'T-bystander');
    await h.slack.waitFor('refusal', () => h.slack.ephemerals.find((e) => e.user === bystander && e.text.includes('not an approver')));
    expect(log.lines().filter((l) => l.audit === 'refusal')).toEqual([expect.objectContaining({ who: bystander, of: 'apply', outcome: 'not-allowed', proposal: proposalId, cluster: 'lab', object: 'ConfigMap kube-system/coredns', slackRequest: 'T-bystander' })]);
    expect(await corefile()).toBe(original);
    expect((await new ProposalStore(h.redis).get(proposalId))?.status).toBe('pending');
  });

  it('applies once on two concurrent approvals, patches the ConfigMap (kubectl), and verifies', async () => {
    await Promise.all([click(approver, actionIds.approveFix, proposalId, fixTs, 'T-approve-1'), click(approver2, actionIds.approveFix, proposalId, fixTs, 'T-approve-2')]);
    const result = await h.slack.waitFor('apply result', () => h.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.rollbackFix]), 60_000);
    const p = (await new ProposalStore(h.redis).get(proposalId))!;
    expect(await corefile()).toBe(p.fix.kind === 'corefile-patch' ? p.fix.after : '');
    expect(await corefile()).not.toBe(original);
    expect(messageText(result)).toContain('Verified');
    const audit = await new ProposalStore(h.redis).audit(proposalId);
    expect(audit.filter((l) => l.endsWith('pending->applying'))).toHaveLength(1);
    expect(h.slack.thread(channel, parentTs).filter((m) => m.text.startsWith('applied:'))).toHaveLength(1);
    // The recommended hostAliases fix for the same cause is superseded: its button is gone.
    const reportNow = h.slack.messages.find((m) => m.ts === fixTs)!;
    await h.slack.waitFor('superseded', () => (messageText(h.slack.messages.find((m) => m.ts === fixTs)!).includes('Superseded') ? true : undefined));
    expect(allButtons(h.slack.messages.find((m) => m.ts === reportNow.ts)!).filter((b) => b.actionId === actionIds.approveFix)).toHaveLength(0);
    expect(await h.queues.cluster('lab').getJobs(['completed', 'failed', 'active', 'wait'])).toSatisfy((jobs: { name: string }[]) => jobs.filter((j) => j.name === 'apply-fix').length === 1);
    expect(await counted('dnswhy_fix_applies_total', 'cluster="lab",outcome="applied"')).toBe(1);
    // The audit trail in the log: one approval, the other click refused, one apply, all with the job id and the winning click's trigger_id.
    const hash = changeHash(p.fix as Parameters<typeof changeHash>[0]);
    const lines = log.lines().filter((l) => l.audit !== undefined && l.of !== 'dismiss' && l.slackRequest !== 'T-bystander');
    const approval = lines.find((l) => l.audit === 'approval')!;
    const winner = approval.slackRequest as string;
    expect(['T-approve-1', 'T-approve-2']).toContain(winner);
    expect(approval).toMatchObject({ of: 'apply', outcome: 'approved', who: winner === 'T-approve-1' ? approver : approver2, proposal: proposalId, cluster: 'lab', object: 'ConfigMap kube-system/coredns', patchHash: hash, job: jobId('apply', proposalId) });
    expect(lines.find((l) => l.audit === 'refusal')).toMatchObject({ of: 'apply', outcome: 'already-applying', slackRequest: winner === 'T-approve-1' ? 'T-approve-2' : 'T-approve-1' });
    const applied = lines.filter((l) => l.audit === 'apply');
    expect(applied).toEqual([expect.objectContaining({ outcome: 'applied', verified: true, who: approval.who, proposal: proposalId, cluster: 'lab', object: 'ConfigMap kube-system/coredns', patchHash: hash, job: jobId('apply', proposalId), slackRequest: winner })]);
    expect(await counted('dnswhy_diagnoses_total', 'cluster="lab",verdict="broken"')).toBe(1);
  });

  it('answers /dns health with the lab\'s CoreDNS replicas, zones and metrics', async () => {
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'health lab', user: bystander, channel }));
    const m = await h.slack.waitFor('health', () => h.slack.messages.find((x) => x.channel === channel && x.text.startsWith('DNS health of lab')), 30_000);
    const text = messageText(m);
    expect(text).toContain('coredns-7dbc744b8d-5svcg');
    expect(text).toContain('cloud-a-1 2');
    expect(text).toMatch(/\d+ requests/);
    expect(text).toContain('Latency p50/p90 and loss from sample nodes');
    // Both replicas run in cloud A while pods run in cloud B: a spread problem.
    expect(m.text).toContain('DEGRADED');
    expect(m.text).toContain('all 2 CoreDNS replicas run in zone cloud-a-1');
    expect(m.text).toContain('zone(s) with pods but no CoreDNS replica: cloud-b-1');
  });

  it('rolls back to the old Corefile on an approver click', async () => {
    const result = h.slack.thread(channel, parentTs).find((m) => buttons(m)[actionIds.rollbackFix])!;
    await click(approver, actionIds.rollbackFix, proposalId, result.ts, 'T-rollback');
    await h.slack.waitFor('rolled back', () => h.slack.thread(channel, parentTs).find((m) => m.text.startsWith('Rolled back')), 60_000);
    expect(await corefile()).toBe(original);
    expect((await new ProposalStore(h.redis).get(proposalId))?.status).toBe('rolled-back');
    expect(await counted('dnswhy_rollbacks_total', 'cluster="lab",outcome="rolled-back"')).toBe(1);
    const rollbackLines = log.lines().filter((l) => l.slackRequest === 'T-rollback');
    expect(rollbackLines.map((l) => `${String(l.audit)} ${String(l.outcome)}`)).toEqual(['approval approved', 'rollback rolled-back']);
    expect(rollbackLines[1]).toMatchObject({ who: approver, proposal: proposalId, object: 'ConfigMap kube-system/coredns', job: jobId('rollback', proposalId) });
    // The cause is back: the hostAliases fix superseded by the apply is re-proven and offered again.
    const again = await h.slack.waitFor('re-offered', () => {
      const m = h.slack.messages.find((x) => x.ts === fixTs)!;
      return messageText(m).includes('Re-proven by the re-run against the restored Corefile') ? m : undefined;
    }, 30_000);
    expect(allButtons(again).filter((b) => b.actionId === actionIds.approveFix)).toHaveLength(1);
  });
});
