/**
 * The crash window of apply-fix: a worker that dies after writing a fix and before recording it.
 * The next run finds the target changed (its own write) and must recognise the fix as already in
 * place, for workload patches as for Corefile patches, recording what rollback needs (written
 * ahead by the dead run) instead of reporting a conflict or writing twice. The worker is a child
 * process that SIGKILLs itself at that point; the cluster is the lab (its API server in this
 * process, reached by kubeconfig); the verification diagnosis is mocked (see helpers/api-runtime.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterWorker, type RunningWorker } from '../../jobs/cluster-worker.js';
import type { WorkloadPatchFix } from '../../src/core/model/index.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';
import { bullConnection } from '../../src/queue/connection.js';
import { jobId } from '../../src/queue/job-id.js';
import { changeJobOptions } from '../../src/queue/job-options.js';
import { clusterJobNames } from '../../src/queue/names.js';
import { ProposalStore } from '../../src/store/proposal-store.js';
import { apiRuntime } from './helpers/api-runtime.js';
import { startRedisQueues, stopRedisQueues, type RedisQueues } from './helpers/redis-queues.js';

const root = join(import.meta.dirname, '..', '..');
/** hostAliases of a workload's pod template. */
const aliasesOf = (w: { template: Record<string, unknown> }) => (w.template.spec as { hostAliases?: unknown } | undefined)?.hostAliases;

describe('apply-fix crash recovery (lab API, mocked verification)', { timeout: 90_000 }, () => {
  let lab: Lab;
  let rq: RedisQueues;
  let child: ChildProcess | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    lab = await startLab(join(root, 'scenarios', '000-hybrid-cloud-split-horizon.yaml'));
    rq = await startRedisQueues();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await worker?.close(1000);
    await stopRedisQueues(rq);
    await lab.stop();
  });

  it('recognises its own workload patch after a crash between writing and recording it: one write, then a working rollback', async () => {
    const access = KubeClusterAccess.fromKubeconfig(lab.kubeconfigPath);
    const before = await access.readWorkload('Deployment', 'mos', 'mos-model');
    const alias = { ip: '10.118.119.245', hostnames: ['s3.cloud-b.example'] };
    const fix: WorkloadPatchFix = {
      kind: 'workload-patch',
      title: 'Pin s3.cloud-b.example for mos-model',
      blastRadius: 'the pods of Deployment mos/mos-model',
      risk: 'low',
      target: { kind: 'Deployment', namespace: 'mos', name: 'mos-model', resourceVersion: before.resourceVersion, ...(before.generation !== undefined ? { generation: before.generation } : {}) },
      patch: { spec: { template: { spec: { hostAliases: [alias] } } } },
      diff: '+ hostAliases: [10.118.119.245 s3.cloud-b.example]',
      changes: 'adds a hostAliases entry',
    };
    const proposals = new ProposalStore(rq.redis);
    const id = 'fix-crashworkload1';
    await proposals.create({ id, cluster: 'lab', thread: { channel: 'C1', threadTs: '1.1' }, target: { pod: 'mos/mos-model-6c9f7b5d8-x2k4p', name: 's3.cloud-b.example' }, checkId: 'upstream-split-horizon', fingerprint: 'fp', fix, object: { kind: 'Deployment', namespace: 'mos', name: 'mos-model', resourceVersion: before.resourceVersion }, requestedBy: 'U0ASKER', createdAt: new Date().toISOString(), expiresAt: Date.now() + 600_000 });
    expect((await proposals.transition(id, 'pending', 'applying', 'U0APPROVER')).ok).toBe(true);

    child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'apply-worker-child.ts')], { env: { ...process.env, REDIS_URL: rq.server.url, KUBECONFIG: lab.kubeconfigPath }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d.toString()));
    const exited = new Promise((r) => child!.once('exit', r));
    await waitFor(() => out.includes('ready'), 30_000);
    await rq.queues.cluster('lab').add(clusterJobNames.applyFix, { proposalId: id, approvedBy: 'U0APPROVER' }, { ...changeJobOptions, jobId: jobId('apply', id) });
    await exited;
    expect(out).toContain('crashing after-write');
    const written = await access.readWorkload('Deployment', 'mos', 'mos-model');
    expect(aliasesOf(written)).toEqual([alias]);
    expect((await proposals.get(id))?.applied).toBeUndefined();
    expect((await proposals.get(id))?.intent).toBeDefined();

    // Another worker takes the job over and finds the fix in place.
    worker = await startClusterWorker({ connection: bullConnection(rq.server.url), redis: rq.redis, queues: rq.queues, runtime: await apiRuntime(lab.kubeconfigPath), cluster: 'lab', log: pino({ level: 'silent' }) });
    await waitFor(async () => (await proposals.get(id))?.status === 'applied', 30_000);
    const after = await access.readWorkload('Deployment', 'mos', 'mos-model');
    expect(after.generation).toBe(written.generation);
    expect(aliasesOf(after)).toEqual([alias]);
    const results = (await rq.queues.post.getJobs(['waiting', 'prioritized'])).filter((j) => j.data.kind === 'apply-result');
    expect(results.map((j) => j.data.outcome)).toEqual(['applied']);
    expect(results[0]!.data.message).toContain('already holds this fix');

    // Rollback restores the template as it was, from what the dead run wrote ahead.
    expect((await proposals.transition(id, 'applied', 'rolling-back', 'U0APPROVER')).ok).toBe(true);
    await rq.queues.cluster('lab').add(clusterJobNames.rollback, { proposalId: id, approvedBy: 'U0APPROVER' }, { ...changeJobOptions, jobId: jobId('rollback', id) });
    await waitFor(async () => (await proposals.get(id))?.status === 'rolled-back', 30_000);
    const restored = await access.readWorkload('Deployment', 'mos', 'mos-model');
    expect(aliasesOf(restored) ?? null).toEqual(aliasesOf(before) ?? null);
  });
});

async function waitFor(pred: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
