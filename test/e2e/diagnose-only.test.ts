/**
 * The diagnose-only install end to end, with the real parts: the lab carries only the shipped
 * diagnose role (deploy/base, no patch-rights component), the worker runs with that role's token and
 * DNSWHY_DIAGNOSE_ONLY, a real redis-server, the app in HTTP mode with the Slack emulator (Slack itself
 * is emulated). The report shows its fixes with no Approve button and says why; an apply-fix job
 * written straight into Redis for a proposal is refused before any write reaches the cluster.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClusterRuntime, type OpenedRuntime } from '../../jobs/open-cluster-runtime.js';
import type { CorefilePatchFix } from '../../src/core/model/index.js';
import { blockActionsBody, sendSigned, slashCommandBody } from '../../src/emulators/slack/signed-request.js';
import { workerServiceAccount } from '../../src/lab/rbac/shipped-rbac.js';
import { changeJobOptions } from '../../src/queue/job-options.js';
import { clusterJobNames } from '../../src/queue/names.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import { actionIds } from '../../src/slack/ids.js';
import { allButtons, buttons, channel, messageText, requester, secret, startHarness, type Harness } from '../slack/helpers/bot-harness.js';

const scenario = join(import.meta.dirname, '..', '..', 'scenarios', '000-hybrid-cloud-split-horizon.yaml');
const workerUser = `system:serviceaccount:${workerServiceAccount.namespace}:${workerServiceAccount.name}`;

describe('diagnose-only install (lab with the shipped diagnose role only; Slack emulated)', { timeout: 150_000 }, () => {
  let h: Harness;
  let runtime: OpenedRuntime;

  beforeAll(async () => {
    runtime = await openClusterRuntime({ name: 'lab', lab: scenario, labRbac: ['diagnose'], diagnoseOnly: true, burst: { count: 20, concurrency: 5 }, reloadTimeoutMs: 10_000, pollMs: 100 });
    h = await startHarness({ runtime });
  }, 120_000);
  afterAll(async () => h?.stop());

  let corefileFix: CorefilePatchFix | undefined;

  it('shows the fixes without an Approve button, and the thread says why', async () => {
    // The lab installed no patch role: the worker's token may not patch the Corefile.
    expect(runtime.lab!.state.store.get('clusterroles', undefined, 'dnswhy-patch')).toBeUndefined();
    await sendSigned(h.bot.eventsUrl!, secret, slashCommandBody({ text: 'why mos/mos-model-6c9f7b5d8-x2k4p s3.cloud-b.example', user: requester, channel, triggerId: 'T-why-d' }));
    const parent = await h.slack.waitFor('parent', () => h.slack.messages.find((m) => m.channel === channel && !m.threadTs));
    const report = await h.slack.waitFor('report', () => h.slack.thread(channel, parent.ts).find((m) => messageText(m).includes('Recommended fix')), 120_000);
    const text = messageText(report);
    expect(text).toContain('Recommended fix:* Pin s3.cloud-b.example');
    expect(text).toMatch(/Not applied from Slack: the dnswhy worker of cluster \\?"lab\\?" is installed diagnose-only \(no patch role, DNSWHY_DIAGNOSE_ONLY=true\)/);
    expect(buttons(report)[actionIds.approveFix]).toBeUndefined();
    // The other fixes open without Approve buttons too.
    const other = buttons(report)[actionIds.otherFixes];
    expect(other).toBeDefined();
    await sendSigned(h.bot.eventsUrl!, secret, blockActionsBody({ user: requester, channel, messageTs: report.ts, threadTs: parent.ts, actionId: actionIds.otherFixes, value: other!}));
    const opened = await h.slack.waitFor('other fixes', () => {
      const m = h.slack.messages.find((x) => x.ts === report.ts)!;
      return messageText(m).includes('Other fixes*') ? m : undefined;
    });
    expect(allButtons(opened).filter((b) => b.actionId === actionIds.approveFix)).toEqual([]);
    // The worker's diagnosis under the diagnose role alone was refused nothing.
    await runtime.lab!.backend.idle();
    const refused = runtime.lab!.backend.audit.filter((a) => a.user === workerUser && !a.allowed);
    expect(refused).toEqual([]);
  });

  it('a worker that was not told it is diagnose-only finds out from the API server (a dry-run patch is refused), and says so the same way', async () => {
    const misconfigured = await openClusterRuntime({ name: 'lab', lab: scenario, labRbac: ['diagnose'], burst: { count: 5, concurrency: 2 } });
    const full = await openClusterRuntime({ name: 'lab', lab: scenario, burst: { count: 5, concurrency: 2 } });
    try {
      expect(misconfigured.applyDisabled).toBe('the dnswhy worker of cluster "lab" may not change the cluster (the API server refused patch configmaps in namespace kube-system: the patch role is not installed), so fixes are not applied from Slack: apply the change by hand, or install the patch-rights component');
      expect(full.applyDisabled).toBeUndefined();
      // The worker with the patch role asked the same question and was allowed.
      expect(full.lab!.backend.audit.some((a) => a.verb === 'patch' && a.resource === 'configmaps' && a.allowed)).toBe(true);
    } finally {
      await misconfigured.close();
      await full.close();
    }
  });

  it('refuses an apply-fix job written into Redis by hand, before anything is written, and says so in the thread', async () => {
    const report = await runtime.diagnose({ pod: 'mos/mos-model-6c9f7b5d8-x2k4p', name: 's3.cloud-b.example' }, () => undefined);
    expect(report.applyDisabled).toMatch(/diagnose-only/);
    corefileFix = report.findings.flatMap((f) => f.fixes).find((x): x is CorefilePatchFix => x.kind === 'corefile-patch');
    expect(corefileFix).toBeDefined();
    const proposals = new ProposalStore(h.redis);
    const thread = { channel, threadTs: h.slack.messages.find((m) => m.channel === channel && !m.threadTs)!.ts };
    await proposals.create({ id: 'forged-1', cluster: 'lab', thread, target: { pod: 'mos/mos-model-6c9f7b5d8-x2k4p', name: 's3.cloud-b.example' }, checkId: 'upstream-split-horizon', fingerprint: 'fp', fix: corefileFix!, object: { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' }, requestedBy: requester, createdAt: new Date().toISOString(), expiresAt: Date.now() + 600_000 });
    expect((await proposals.transition('forged-1', 'pending', 'applying', 'U0FORGER')).ok).toBe(true);
    const before = runtime.lab!.backend.audit.length;
    const job = await h.queues.cluster('lab').add(clusterJobNames.applyFix, { proposalId: 'forged-1', approvedBy: 'U0FORGER' }, { ...changeJobOptions, jobId: 'forged-apply-1' });
    const result = await h.slack.waitFor('refusal in the thread', () => h.slack.thread(channel, thread.threadTs).find((m) => /refused apply-fix of proposal forged-1/.test(messageText(m))), 30_000);
    expect(messageText(result)).toContain('installed diagnose-only');
    expect((await proposals.get('forged-1'))!.status).toBe('failed');
    // Failed for good on its first attempt (a permanent refusal is never retried).
    let state = await job.getState();
    for (let i = 0; i < 100 && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await job.getState();
    }
    expect(state).toBe('failed');
    expect((await h.queues.cluster('lab').getJob('forged-apply-1'))!.attemptsMade).toBe(1);
    // Not one write (not even a dry run) reached the API server.
    const writes = runtime.lab!.backend.audit.slice(before).filter((a) => a.user === workerUser && ['patch', 'update', 'create', 'delete'].includes(a.verb) && a.resource !== 'pods');
    expect(writes).toEqual([]);
  });
});
