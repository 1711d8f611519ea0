/**
 * The real ClusterRuntime: a kubeconfig / in-cluster API, or an in-process lab (DNSWHY_LAB),
 * diagnosed with the orchestrator and changed only through the remediation layer.
 */
import { openCluster, type OpenClusterOptions, type OpenedCluster } from '../src/diagnosis/open-cluster.js';
import { runDiagnosis } from '../src/diagnosis/run-diagnosis.js';
import { applyFix, recoverApplied } from '../src/remediation/apply-fix.js';
import type { ApplyResult, PreviousVersion } from '../src/remediation/apply-types.js';
import type { ClusterAccess } from '../src/core/cluster-access.js';
import type { CorefilePatchFix } from '../src/core/model/index.js';
import { rollbackFix } from '../src/remediation/rollback.js';
import type { ApplyOutcome, ClusterRuntime } from './cluster-runtime.js';
import { gatherHealth } from '../src/probes/health/gather-health.js';
import { codedError } from '../src/core/errors.js';
import { meterProbePods, type ProbePodOutcome } from './probe-pod-meter.js';
import { diagnoseOnlyReason, patchRightsMissing } from './job-scope.js';
import { resolveProbeImage, type ProbeImageConfig, type ResolvedProbeImage } from './probe-image.js';
import { checkProbeNamespace, type ProbeNamespaceStatus } from './probe-namespace.js';

export interface OpenRuntimeOptions {
  /** The name workers register under (DNSWHY_CLUSTER). */
  name: string;
  kubeconfig?: string;
  lab?: string;
  /** How long apply-fix waits for CoreDNS to load a new Corefile, and how often it looks. */
  reloadTimeoutMs?: number;
  pollMs?: number;
  /** Burst probe size (smaller in labs and tests). */
  burst?: { count: number; concurrency: number };
  /** Told how each probe pod of a diagnosis ended (metrics). */
  onProbePod?: (outcome: ProbePodOutcome) => void;
  /** Probe image configuration (DNSWHY_PROBE_IMAGE, pull policy, pull secrets); the image defaults to the worker's own. */
  probe?: ProbeImageConfig;
  /** DNSWHY_PROBE_NAMESPACE: where probe pods run when not in the target's namespace (and health probes always). */
  probeNamespace?: string;
  /** The worker's own pod (POD_NAMESPACE, POD_NAME), to learn the image it runs. */
  self?: { namespace: string; name: string };
  /** In a lab: the shipped role groups it installs (default all). */
  labRbac?: OpenClusterOptions['labRbac'];
  /** The install has no patch role (DNSWHY_DIAGNOSE_ONLY): reports say so, apply and rollback are refused. */
  diagnoseOnly?: boolean;
}

/** A runtime plus, when it runs a lab, the lab itself (tests inspect it). */
export type OpenedRuntime = ClusterRuntime & {
  lab?: OpenedCluster['lab'];
  /** What probe pods run, and where that came from. */
  probe: ResolvedProbeImage;
  /** DNSWHY_PROBE_NAMESPACE as found at start, when set. */
  probeNamespaceStatus?: ProbeNamespaceStatus;
};

function describeApply(r: ApplyResult): Pick<ApplyOutcome, 'message' | 'reloadNote'> {
  const message = r.steps.map((s) => `${s.ok ? '✓' : '✗'} ${s.step}: ${s.detail}`).join('\n');
  const reloadNote = r.needsRestart
    ? 'CoreDNS has not loaded the new Corefile everywhere: restart the CoreDNS Deployment to be sure.'
    : r.reloaded.length > 0
      ? `CoreDNS reloaded on ${r.reloaded.map((x) => x.pod).join(', ')}.`
      : undefined;
  return { message, ...(reloadNote ? { reloadNote } : {}) };
}

/** The ConfigMap as it was before a Corefile fix: today's data with the proposal's "before" text. */
async function corefilePrevious(access: ClusterAccess, fix: CorefilePatchFix): Promise<PreviousVersion> {
  const cm = await access.readConfigMap(fix.target.namespace, fix.target.name);
  return { kind: 'ConfigMap', namespace: cm.namespace, name: cm.name, key: fix.target.key, resourceVersion: fix.target.resourceVersion ?? '', data: { ...cm.data, [fix.target.key]: fix.before } };
}

/** Opens the cluster (or starts the lab) and returns the runtime. */
export async function openClusterRuntime(o: OpenRuntimeOptions): Promise<OpenedRuntime> {
  const cluster = await openCluster({ ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), ...(o.lab ? { lab: o.lab } : {}), ...(o.labRbac ? { labRbac: o.labRbac } : {}) });
  const handle = { access: o.onProbePod ? meterProbePods(cluster.access, o.onProbePod) : cluster.access, network: cluster.network, name: o.name };
  const applyDisabled = o.diagnoseOnly ? diagnoseOnlyReason(o.name) : await patchRightsMissing(cluster.access, o.name);
  const probe = await resolveProbeImage(cluster.access, o.probe ?? {}, o.self);
  const probeNamespace = o.probeNamespace ? { probeNamespace: o.probeNamespace } : {};
  const probeNamespaceStatus = o.probeNamespace ? await checkProbeNamespace(cluster.access, o.probeNamespace) : undefined;
  const applyOpts = { reloadTimeoutMs: o.reloadTimeoutMs ?? 90_000, ...(o.pollMs ? { pollMs: o.pollMs } : {}) };
  return {
    name: o.name,
    ...(cluster.lab ? { lab: cluster.lab } : {}),
    probe,
    ...(probeNamespaceStatus ? { probeNamespaceStatus } : {}),
    ...(applyDisabled ? { applyDisabled } : {}),
    async diagnose(target, onProgress, hooks) {
      const report = await runDiagnosis(handle, target, { onProgress, probeImage: probe.probeImage, ...probeNamespace, ...(o.burst ? { burst: o.burst } : {}), ...(hooks?.onEarlyCauses ? { onEarlyCauses: hooks.onEarlyCauses } : {}) });
      return applyDisabled ? { ...report, applyDisabled } : report;
    },
    async applyFix(fix, hooks) {
      const r = await applyFix(cluster.access, fix, { ...applyOpts, ...(hooks?.beforeWrite ? { beforeWrite: hooks.beforeWrite } : {}) });
      return { record: { ...(r.newResourceVersion ? { resourceVersion: r.newResourceVersion } : {}), previous: r.previous, result: r, appliedAt: new Date().toISOString() }, ...describeApply(r) };
    },
    async alreadyApplied(fix, previous) {
      // What the dead run recorded before writing; for a Corefile, the proposal's own "before" also tells it.
      const before: PreviousVersion | undefined =
        (previous as PreviousVersion | undefined) ??
        (fix.kind === 'corefile-patch' ? await corefilePrevious(cluster.access, fix) : undefined);
      if (!before) return undefined;
      const r = await recoverApplied(cluster.access, fix, before);
      if (!r) return undefined;
      return { ...(r.newResourceVersion ? { resourceVersion: r.newResourceVersion } : {}), previous: r.previous, result: r, appliedAt: new Date().toISOString() };
    },
    async rollbackFix(applied) {
      const r = await rollbackFix(cluster.access, applied.result as ApplyResult, applyOpts);
      return { message: describeApply(r).message };
    },
    health: () => gatherHealth(cluster.access, { cluster: o.name, probeImage: probe.probeImage, ...probeNamespace }),
    async ping() {
      try {
        await cluster.access.readService('kube-system', 'kube-dns');
        return 'the API server answers';
      } catch (err) {
        // An answer that says no (missing, forbidden) still shows the API server is there.
        const code = codedError(err)?.code;
        if (code === 'cluster-not-found' || code === 'cluster-forbidden') return `the API server answers (${code})`;
        throw err;
      }
    },
    close: () => cluster.close(),
  };
}
