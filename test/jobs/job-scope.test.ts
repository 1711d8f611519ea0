/**
 * A worker runs only what its job kind allows: jobs of its own cluster, and apply-fix or rollback of
 * a stored proposal only on the object the proposal names and only the fields a fix of its kind
 * sets; a diagnose-only worker applies nothing. The worker half runs a real cluster worker on a real
 * redis-server with a fake diagnosis (mocked cluster).
 */
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClusterWorker, type RunningWorker } from '../../jobs/cluster-worker.js';
import { checkJobCluster, checkProposalScope, diagnoseOnlyReason, foreignPatchFields, JobRefusedError } from '../../jobs/job-scope.js';
import type { CorefilePatchFix, WorkloadPatchFix } from '../../src/core/model/index.js';
import { bullConnection } from '../../src/queue/connection.js';
import type { DiagnoseJobData } from '../../src/queue/job-data.js';
import { clusterJobNames } from '../../src/queue/names.js';
import type { Queues } from '../../src/queue/queues.js';
import type { Proposal } from '../../src/store/proposal-store.js';
import type { RedisHandle } from '../helpers/redis-server.js';
import { FakeRuntime } from './helpers/fake-runtime.js';
import { startRedisQueues, stopRedisQueues } from './helpers/redis-queues.js';

const corefileFix: CorefilePatchFix = {
  kind: 'corefile-patch', title: 't', blastRadius: 'b', risk: 'low',
  target: { namespace: 'kube-system', name: 'coredns', key: 'Corefile', resourceVersion: '7' },
  before: '.:53 {\n}\n', after: '.:53 {\n  cache 30\n}\n', diff: '', changes: 'c', simulation: {} as never, needsRestart: false,
} as CorefilePatchFix;
const workloadFix: WorkloadPatchFix = {
  kind: 'workload-patch', title: 't', blastRadius: 'b', risk: 'low',
  target: { kind: 'Deployment', namespace: 'shop', name: 'checkout', resourceVersion: '9' },
  patch: { spec: { template: { spec: { hostAliases: [{ $patch: 'replace' }, { ip: '10.0.0.1', hostnames: ['api.example.org'] }] } } } },
  diff: '', changes: 'c',
} as WorkloadPatchFix;

function proposal(fix: Proposal['fix'], over: Partial<Proposal> = {}): Proposal {
  const object = fix.kind === 'corefile-patch' ? { kind: 'ConfigMap', namespace: fix.target.namespace, name: fix.target.name } : fix.kind === 'workload-patch' ? { kind: fix.target.kind, namespace: fix.target.namespace, name: fix.target.name } : { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' };
  return { id: 'p1', cluster: 'prod-eu', thread: { channel: 'C1', threadTs: '1.1' }, target: { pod: 'shop/checkout-1', name: 'api.example.org' }, checkId: 'x', fingerprint: 'f', fix, object, requestedBy: 'U1', createdAt: '', expiresAt: 0, status: 'applying', ...over };
}
const refusal = (f: () => void) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(JobRefusedError);
    expect((err as JobRefusedError).code).toBe('job-refused');
    expect((err as JobRefusedError).permanent).toBe(true);
    return (err as Error).message;
  }
  return undefined;
};

describe('what an apply-fix or rollback job may touch', () => {
  it("accepts the CoreDNS ConfigMap fix and a workload's DNS fields on this worker's cluster", () => {
    expect(refusal(() => checkProposalScope('apply-fix', proposal(corefileFix), 'prod-eu'))).toBeUndefined();
    expect(refusal(() => checkProposalScope('apply-fix', proposal(workloadFix), 'prod-eu'))).toBeUndefined();
    const dns = { ...workloadFix, target: { ...workloadFix.target, kind: 'DaemonSet' as const }, patch: { spec: { template: { spec: { dnsPolicy: 'ClusterFirstWithHostNet', dnsConfig: { options: [{ name: 'ndots', value: '2' }] } } } } } };
    expect(refusal(() => checkProposalScope('rollback', proposal(dns), 'prod-eu'))).toBeUndefined();
  });

  it('refuses a proposal of another cluster, and everything on a diagnose-only worker', () => {
    expect(refusal(() => checkProposalScope('apply-fix', proposal(corefileFix, { cluster: 'prod-us' }), 'prod-eu'))).toBe('refused apply-fix of proposal p1: it belongs to cluster "prod-us", and this worker serves "prod-eu" only');
    expect(refusal(() => checkProposalScope('rollback', proposal(corefileFix), 'prod-eu', diagnoseOnlyReason('prod-eu')))).toMatch(/^refused rollback of proposal p1: the dnswhy worker of cluster "prod-eu" is installed diagnose-only/);
  });

  it('refuses any ConfigMap but CoreDNS\'s, and a proposal whose object is not its fix\'s target', () => {
    const proxy = { ...corefileFix, target: { ...corefileFix.target, name: 'kube-proxy' } };
    expect(refusal(() => checkProposalScope('apply-fix', proposal(proxy), 'prod-eu'))).toMatch(/a Corefile fix may only change ConfigMap kube-system\/coredns, not kube-system\/kube-proxy$/);
    expect(refusal(() => checkProposalScope('apply-fix', proposal(workloadFix, { object: { kind: 'Deployment', namespace: 'payments', name: 'ledger' } }), 'prod-eu'))).toMatch(/the proposal names Deployment payments\/ledger but its fix patches Deployment shop\/checkout$/);
  });

  it('refuses other workload kinds, and any field outside the pod template\'s DNS fields', () => {
    const job = { ...workloadFix, target: { ...workloadFix.target, kind: 'CronJob' as never } };
    expect(refusal(() => checkProposalScope('apply-fix', proposal(job), 'prod-eu'))).toMatch(/may only patch a Deployment, StatefulSet, DaemonSet, not a CronJob$/);
    const escalate = { ...workloadFix, patch: { spec: { replicas: 0, template: { metadata: { labels: { a: 'b' } }, spec: { serviceAccountName: 'admin', containers: [{ name: 'x', image: 'evil' }], hostAliases: [] } } }, status: {} } };
    expect(foreignPatchFields(escalate.patch)).toEqual(['status', 'spec.replicas', 'spec.template.metadata', 'spec.template.spec.serviceAccountName', 'spec.template.spec.containers']);
    expect(refusal(() => checkProposalScope('apply-fix', proposal(escalate), 'prod-eu'))).toMatch(/its patch touches status, spec\.replicas, .*spec\.template\.spec\.containers; a workload fix may only set spec\.template\.spec\.hostAliases\/dnsConfig\/dnsPolicy$/);
    expect(refusal(() => checkProposalScope('apply-fix', proposal({ ...workloadFix, patch: {} }), 'prod-eu'))).toMatch(/its patch touches \(no pod template field\)/);
    expect(refusal(() => checkProposalScope('apply-fix', proposal({ kind: 'advice', title: 'a', blastRadius: 'b', risk: 'low', steps: [] } as never), 'prod-eu'))).toMatch(/a advice fix is never applied$/);
    // A payload missing its target is refused too (never a crash that would be retried).
    expect(refusal(() => checkProposalScope('apply-fix', proposal(corefileFix, { fix: { kind: 'corefile-patch' } as never }), 'prod-eu'))).toMatch(/may only change ConfigMap kube-system\/coredns, not undefined\/undefined$/);
    expect(refusal(() => checkProposalScope('apply-fix', proposal(workloadFix, { fix: { kind: 'workload-patch', patch: 'x' } as never }), 'prod-eu'))).toMatch(/not a undefined$/);
  });

  it('refuses a rollback whose applied record restores another object or other fields', () => {
    const applied = (previous: unknown) => ({ applied: { previous, result: {}, appliedAt: '' } });
    expect(refusal(() => checkProposalScope('rollback', proposal(workloadFix, applied({ kind: 'Deployment', namespace: 'kube-system', name: 'coredns', templateSpec: {} })), 'prod-eu'))).toMatch(/restores Deployment kube-system\/coredns, not Deployment shop\/checkout$/);
    expect(refusal(() => checkProposalScope('rollback', proposal(workloadFix, applied({ kind: 'Deployment', namespace: 'shop', name: 'checkout', templateSpec: { hostAliases: null, containers: [] } })), 'prod-eu'))).toMatch(/restores spec\.template\.spec\.containers$/);
    expect(refusal(() => checkProposalScope('rollback', proposal(corefileFix, applied({ kind: 'ConfigMap', namespace: 'kube-system', name: 'kubeadm-config' })), 'prod-eu'))).toMatch(/restores ConfigMap kube-system\/kubeadm-config, not ConfigMap kube-system\/coredns$/);
  });

  it('refuses a diagnose or health job that names another cluster', () => {
    expect(refusal(() => checkJobCluster('diagnose', 'prod-eu', 'prod-eu'))).toBeUndefined();
    expect(refusal(() => checkJobCluster('health', 'prod-us', 'prod-eu'))).toBe('refused health job: it names cluster "prod-us", and this worker serves "prod-eu" only');
    expect(refusal(() => checkJobCluster('diagnose', undefined, 'prod-eu'))).toMatch(/names cluster "\(none\)"/);
  });
});

describe('a worker refuses a job of another cluster on its queue (fake diagnosis, real redis-server)', { timeout: 60_000 }, () => {
  let server: RedisHandle;
  let redis: Redis;
  let queues: Queues;
  let worker: RunningWorker | undefined;
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const runtime = new FakeRuntime({ name: 'prod-eu' });

  beforeAll(async () => {
    ({ server, redis, queues } = await startRedisQueues());
    worker = await startClusterWorker({ connection: bullConnection(server.url), redis, queues, runtime, cluster: 'prod-eu', log, heartbeatMs: 500 });
  });
  afterAll(async () => {
    await worker?.close(500);
    await stopRedisQueues({ server, redis, queues });
  });

  it('fails it at once, never retried and never diagnosed, with an error log line naming both clusters', async () => {
    const data: DiagnoseJobData = { cluster: 'prod-us', target: { pod: 'default/web-7d9', name: 'example.org' }, requestedBy: 'U1', thread: { channel: 'C1', threadTs: '1.1' }, progressTs: '1.2', dedupeKey: 'k' };
    const job = await queues.cluster('prod-eu').add(clusterJobNames.diagnose, data, { jobId: 'misrouted-1', attempts: 3 });
    let state = '';
    for (let i = 0; i < 200 && state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      state = await queues.cluster('prod-eu').getJobState(job.id!);
    }
    expect(state).toBe('failed');
    expect((await queues.cluster('prod-eu').getJob(job.id!))!.attemptsMade).toBe(1);
    expect(runtime.diagnoses).toBe(0);
    expect(lines.find((l) => l.msg === 'job refused')).toMatchObject({ level: 50, job: 'misrouted-1', code: 'job-refused', err: 'refused diagnose job: it names cluster "prod-us", and this worker serves "prod-eu" only' });
  });
});
