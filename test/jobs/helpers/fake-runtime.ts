/**
 * A fake diagnosis over a mocked cluster (for tests that must not depend on the lab): one CoreDNS
 * ConfigMap held in memory with a resourceVersion. While the Corefile lacks the stub-domain block
 * the diagnosis finds `upstream-split-horizon` and proposes a Corefile patch; once patched, it is
 * healthy. applyFix honours the resourceVersion precondition like the API server does.
 */
import { ConflictError, TransientError } from '../../../src/core/cluster-access.js';
import type { CorefilePatchFix, Finding, Report } from '../../../src/core/model/index.js';
import type { ApplyOutcome, ClusterRuntime } from '../../../jobs/cluster-runtime.js';
import type { HealthInput } from '../../../src/core/health/model.js';
import type { DiagnosisTarget } from '../../../src/core/model/diagnosis.js';
import type { AppliedRecord } from '../../../src/store/proposal-store.js';
import { PodNotFoundError } from '../../../src/probes/gather/resolve-pod.js';

export const brokenCorefile = '.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    cache 30\n    reload\n}\n';
export const fixedCorefile = brokenCorefile + 'cloud-b.example:53 {\n    forward . 192.0.2.53\n}\n';

export interface FakeRuntimeOptions {
  name?: string;
  /** Throw a TransientError this many times before answering. */
  transientFailures?: number;
  /** Pods that exist (others give PodNotFoundError). */
  pods?: string[];
  /** Delay of a diagnosis (lets tests ask again while one runs). */
  delayMs?: number;
  /** Findings per broken report (many: exercises Slack limits). */
  extraFindings?: number;
  /** Tell the cause through the early-causes hook, then hold the report this long (the slow probes). */
  earlyCauseHoldMs?: number;
}

export class FakeRuntime implements ClusterRuntime {
  readonly name: string;
  corefile = brokenCorefile;
  resourceVersion = 100;
  diagnoses = 0;
  applies = 0;
  rollbacks = 0;
  private failuresLeft: number;
  /** Resolves the current diagnosis early (tests that hold a diagnosis open). */
  release?: () => void;

  constructor(private readonly opts: FakeRuntimeOptions = {}) {
    this.name = opts.name ?? 'lab';
    this.failuresLeft = opts.transientFailures ?? 0;
  }

  async diagnose(target: DiagnosisTarget, onProgress: (step: string, done: number, total: number) => void, hooks?: Parameters<ClusterRuntime['diagnose']>[2]): Promise<Report> {
    this.diagnoses += 1;
    const pods = this.opts.pods ?? ['default/web-7d9', 'payments/api-7f9'];
    const ref = target.namespace ? `${target.namespace}/${target.pod}` : target.pod;
    if (!pods.includes(ref)) throw new PodNotFoundError('no pod matches', pods.filter((p) => p.split('/')[1]!.startsWith(ref.split('/').pop()!.slice(0, 2))));
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new TransientError('connection reset by the API server');
    }
    onProgress('read pod', 1, 3);
    if (this.opts.delayMs) await new Promise<void>((r) => { this.release = r; setTimeout(r, this.opts.delayMs); });
    onProgress('query resolvers', 2, 3);
    const [ns, pod] = ref.split('/') as [string, string];
    const broken = !this.corefile.includes('cloud-b.example');
    const findings: Finding[] = [];
    if (broken) {
      const fix: CorefilePatchFix = {
        kind: 'corefile-patch',
        title: 'Forward cloud-b.example to the zone resolver that has the private view',
        blastRadius: 'every pod asking for *.cloud-b.example',
        risk: 'low',
        target: { namespace: 'kube-system', name: 'coredns', key: 'Corefile', resourceVersion: String(this.resourceVersion) },
        before: this.corefile,
        after: this.corefile + 'cloud-b.example:53 {\n    forward . 192.0.2.53\n}\n',
        diff: `--- Corefile\n+++ Corefile\n@@ -6,0 +7,3 @@\n+cloud-b.example:53 {\n+    forward . 192.0.2.53\n+}\n`,
        changes: 'adds a server block for cloud-b.example forwarding to 192.0.2.53',
        simulation: { failing: { name: target.name, type: 'A', client: '10.0.0.5', before: 'public answer 198.51.100.7', after: 'private answer 10.118.119.245', changed: true }, controls: [], proof: '10.118.119.245 accepts TCP on 80' },
        needsRestart: false,
      };
      findings.push({ checkId: 'upstream-split-horizon', severity: 'error', title: 'The upstream answers a public address the pod cannot reach', explanation: 'CoreDNS forwards to the node resolver, which answers the public view.', evidenceRefs: ['e1'], fixes: [fix], docsUrl: 'https://example.org/checks/upstream-split-horizon', fingerprint: `fp-split-${target.name}`, confidence: 0.9 });
      for (let i = 0; i < (this.opts.extraFindings ?? 0); i++) {
        findings.push({ checkId: 'extra-check', severity: 'warn', title: `Extra finding ${i} ${'x'.repeat(200)}`, explanation: 'y'.repeat(5000), evidenceRefs: ['e1'], fixes: [{ kind: 'advice', title: 'Do something', blastRadius: 'none', risk: 'low', steps: ['a'.repeat(4000)] }], docsUrl: 'https://example.org/x', fingerprint: `fp-extra-${i}`, confidence: 0.5 });
      }
    }
    if (this.opts.earlyCauseHoldMs !== undefined && findings.length > 0) {
      hooks?.onEarlyCauses?.({ causes: findings.slice(0, 1), waitingFor: ['pod tools'], atMs: 5 });
      await new Promise((r) => setTimeout(r, this.opts.earlyCauseHoldMs));
    }
    onProgress('done', 3, 3);
    return {
      pod: { namespace: ns, name: pod, node: 'node-a' },
      name: target.name,
      ...(target.port ? { port: target.port } : {}),
      cluster: this.name,
      verdict: broken ? 'broken' : 'healthy',
      summary: broken ? `${target.name} resolves to a public address the pod cannot reach` : `${target.name} resolves and connects`,
      findings,
      path: [{ step: 'pod resolv.conf', detail: 'nameserver 10.96.0.10', ok: true, evidenceRefs: [] }],
      evidence: [{ id: 'e1', kind: 'tcp-connect', from: { kind: 'pod', namespace: ns, name: pod }, at: new Date().toISOString(), ms: 3, ip: '198.51.100.7', port: 80, ok: !broken, ...(broken ? { error: 'timeout' } : {}) }],
      startedAt: new Date().toISOString(),
      durationMs: 42,
    };
  }

  async applyFix(fix: Parameters<ClusterRuntime['applyFix']>[0]): Promise<ApplyOutcome> {
    if (fix.kind !== 'corefile-patch') throw new Error('fake runtime applies Corefile patches only');
    if (fix.target.resourceVersion !== String(this.resourceVersion)) throw new ConflictError(`ConfigMap changed (resourceVersion ${fix.target.resourceVersion} → ${this.resourceVersion})`, 'changed');
    this.applies += 1;
    const previous = this.corefile;
    this.corefile = fix.after;
    this.resourceVersion += 1;
    return { record: { resourceVersion: String(this.resourceVersion), previous, result: { previous }, appliedAt: new Date().toISOString() }, message: 'patched ConfigMap kube-system/coredns', reloadNote: 'CoreDNS reloaded on coredns-a.' };
  }

  async alreadyApplied(fix: Parameters<ClusterRuntime['applyFix']>[0]): Promise<AppliedRecord | undefined> {
    if (fix.kind !== 'corefile-patch' || this.corefile !== fix.after) return undefined;
    return { resourceVersion: String(this.resourceVersion), previous: fix.before, result: { previous: fix.before }, appliedAt: new Date().toISOString() };
  }

  async rollbackFix(applied: AppliedRecord): Promise<{ message: string }> {
    if (applied.resourceVersion !== String(this.resourceVersion)) throw new ConflictError('ConfigMap changed since the apply', 'changed');
    this.rollbacks += 1;
    this.corefile = (applied.result as { previous: string }).previous;
    this.resourceVersion += 1;
    return { message: 'restored the previous Corefile' };
  }

  /** Health input of a made-up cluster: one replica not ready, both in zone-1 (fake, no cluster). */
  healthCalls = 0;
  /** SERVFAIL answers added per health call (a failing upstream, for trend tests). */
  healthServfail = 0;
  private servfails = 0;
  async health(): Promise<HealthInput> {
    this.healthCalls += 1;
    this.servfails += this.healthServfail;
    const metrics = { requests: 100 * this.healthCalls + this.servfails, responsesByRcode: { NOERROR: 90 * this.healthCalls, NXDOMAIN: 10 * this.healthCalls, SERVFAIL: this.servfails }, cacheHits: 50 * this.healthCalls, cacheMisses: 50 * this.healthCalls, forwardRequests: {}, forwardResponsesByRcode: {}, healthcheckFailures: {} };
    return {
      cluster: this.name,
      at: new Date().toISOString(),
      replicas: [
        { name: 'coredns-a', namespace: 'kube-system', ip: '10.244.1.5', node: 'node-a', zone: 'zone-1', ready: true, phase: 'Running', restarts: 0 },
        { name: 'coredns-b', namespace: 'kube-system', ip: '10.244.2.5', node: 'node-b', zone: 'zone-1', ready: false, phase: 'Running', restarts: 3, waitingReason: 'CrashLoopBackOff' },
      ],
      nodes: [
        { name: 'node-a', ip: '192.168.0.1', zone: 'zone-1', labels: {} },
        { name: 'node-b', ip: '192.168.0.2', zone: 'zone-1', labels: {} },
      ],
      podsPerZone: { 'zone-1': 5 },
      dnsService: { ip: '10.96.0.10', endpoints: [{ ip: '10.244.1.5', ready: true, pod: 'coredns-a' }] },
      latency: [],
      metrics: { 'coredns-a': metrics },
      corefile: { text: this.corefile, hash: `rv${this.resourceVersion}` },
      notes: [],
    };
  }

  async close(): Promise<void> {}
}
