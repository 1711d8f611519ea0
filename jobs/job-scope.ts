/**
 * What a cluster worker agrees to run. A job is only data in Redis, so whoever can write to Redis
 * could enqueue one: the worker therefore checks every job against what its kind allows before
 * touching the cluster. It runs jobs for its own cluster only; an apply-fix or rollback job acts on
 * its stored proposal only when that proposal patches the object it names, and only the fields a
 * fix of its kind may touch (the CoreDNS ConfigMap's data, or the pod template's DNS fields of a
 * Deployment, StatefulSet or DaemonSet); a diagnose-only worker applies nothing. A refusal is
 * permanent (JobRefusedError) and says what was refused and why.
 */
import { ForbiddenError, type ClusterAccess } from '../src/core/cluster-access.js';
import { DnswhyError } from '../src/core/errors.js';
import { defaultCorednsLocation, type CorednsLocation } from '../src/core/model/coredns-location.js';
import type { CorefilePatchFix, WorkloadPatchFix } from '../src/core/model/index.js';
import type { Proposal } from '../src/store/proposal-store.js';

type CorefileTarget = CorefilePatchFix['target'];

/** Thrown when a job asks for something this worker does not do. Never retried. */
export class JobRefusedError extends DnswhyError {
  override readonly code = 'job-refused';
  override readonly permanent = true;
}

/** The pod template fields a workload-patch fix may set (src/checks/lib/workload.ts builds only these). */
export const workloadPatchFields: readonly string[] = ['hostAliases', 'dnsConfig', 'dnsPolicy'];

/** The workload kinds a workload-patch fix may patch (the patch role grants exactly these). */
export const patchableWorkloads: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Refuses a job whose payload names another cluster. */
export function checkJobCluster(job: string, named: string | undefined, own: string): void {
  if (named !== own) throw new JobRefusedError(`refused ${job} job: it names cluster "${named ?? '(none)'}", and this worker serves "${own}" only`);
}

/** Why a diagnose-only worker applies nothing (shown in the thread instead of an Approve button). */
export function diagnoseOnlyReason(cluster: string): string {
  return `the dnswhy worker of cluster "${cluster}" is installed diagnose-only (no patch role, DNSWHY_DIAGNOSE_ONLY=true): apply the change by hand, or install the patch-rights component`;
}

/**
 * Whether this worker may in fact apply fixes, asked of the API server rather than assumed: a
 * server-side dry run of an empty patch of the CoreDNS ConfigMap (the patch role grants it; nothing
 * is written). Returns why fixes cannot be applied, or undefined when they can. An install that
 * says it has the patch role but lacks it then shows fixes without an Approve button too, instead
 * of failing at the first approval. An unanswered question (the API server unreachable) assumes the role.
 */
export async function patchRightsMissing(access: ClusterAccess, cluster: string, coredns: CorednsLocation = defaultCorednsLocation): Promise<string | undefined> {
  let resourceVersion: string;
  try {
    resourceVersion = (await access.readConfigMap(coredns.namespace, coredns.configMap)).resourceVersion;
  } catch {
    return undefined; // not this question's to answer (the diagnosis will say what it cannot read)
  }
  try {
    await access.patchConfigMapData(coredns.namespace, coredns.configMap, {}, { resourceVersion, dryRun: true });
    return undefined;
  } catch (err) {
    if (err instanceof ForbiddenError) return `the dnswhy worker of cluster "${cluster}" may not change the cluster (the API server refused ${err.permission}: the patch role is not installed), so fixes are not applied from Slack: apply the change by hand, or install the patch-rights component`;
    return undefined;
  }
}

const keysOf = (v: unknown): string[] => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.keys(v) : []);

/** The patch's fields outside spec.template.spec.{hostAliases,dnsConfig,dnsPolicy}, as paths. */
export function foreignPatchFields(patch: Record<string, unknown>): string[] {
  const out = keysOf(patch).filter((k) => k !== 'spec');
  const spec = (patch as { spec?: unknown }).spec;
  out.push(...keysOf(spec).filter((k) => k !== 'template').map((k) => `spec.${k}`));
  const template = (spec as { template?: unknown } | undefined)?.template;
  out.push(...keysOf(template).filter((k) => k !== 'spec').map((k) => `spec.template.${k}`));
  const podSpec = (template as { spec?: unknown } | undefined)?.spec;
  out.push(...keysOf(podSpec).filter((k) => !workloadPatchFields.includes(k)).map((k) => `spec.template.spec.${k}`));
  if (keysOf(podSpec).length === 0 && out.length === 0) out.push('(no pod template field)');
  return out;
}

/**
 * Refuses an apply-fix or rollback of a proposal that this worker must not act on: another
 * cluster, an object other than the one the proposal names, a ConfigMap other than CoreDNS's, a
 * workload kind the patch role does not cover, or a patch that touches fields no fix sets.
 */
export function checkProposalScope(job: 'apply-fix' | 'rollback', p: Proposal, own: string, applyDisabled?: string, coredns: CorednsLocation = defaultCorednsLocation): void {
  const refuse = (why: string) => {
    throw new JobRefusedError(`refused ${job} of proposal ${p.id}: ${why}`);
  };
  if (applyDisabled) refuse(applyDisabled);
  if (p.cluster !== own) refuse(`it belongs to cluster "${p.cluster}", and this worker serves "${own}" only`);
  const fix = p.fix as Proposal['fix'] | { kind: string };
  const o = p.object ?? ({} as Partial<Proposal['object']>);
  if (fix.kind === 'corefile-patch') {
    // A forged payload may lack any field: read them so a gap is a refusal, never a crash that is retried.
    const t = (fix as Extract<Proposal['fix'], { kind: 'corefile-patch' }>).target ?? ({} as Partial<CorefileTarget>);
    if (t.namespace !== coredns.namespace || t.name !== coredns.configMap) refuse(`a Corefile fix may only change ConfigMap ${coredns.namespace}/${coredns.configMap}, not ${t.namespace}/${t.name}`);
    if (o.kind !== 'ConfigMap' || o.namespace !== t.namespace || o.name !== t.name) refuse(`the proposal names ${o.kind} ${o.namespace}/${o.name} but its fix changes ConfigMap ${t.namespace}/${t.name}`);
    const kept = (p.applied?.previous ?? {}) as { kind?: string; namespace?: string; name?: string };
    if (job === 'rollback' && kept.name !== undefined && (kept.kind !== 'ConfigMap' || kept.namespace !== t.namespace || kept.name !== t.name)) refuse(`its applied record restores ${kept.kind} ${kept.namespace}/${kept.name}, not ConfigMap ${t.namespace}/${t.name}`);
    return;
  }
  if (fix.kind === 'workload-patch') {
    const w = fix as Extract<Proposal['fix'], { kind: 'workload-patch' }>;
    const target = w.target ?? ({} as Partial<WorkloadPatchFix['target']>);
    if (!patchableWorkloads.includes(target.kind ?? '')) refuse(`a workload fix may only patch a ${patchableWorkloads.join(', ')}, not a ${target.kind}`);
    if (o.kind !== target.kind || o.namespace !== target.namespace || o.name !== target.name) refuse(`the proposal names ${o.kind} ${o.namespace}/${o.name} but its fix patches ${target.kind} ${target.namespace}/${target.name}`);
    const foreign = foreignPatchFields((w.patch ?? {}) as Record<string, unknown>);
    if (foreign.length) refuse(`its patch touches ${foreign.join(', ')}; a workload fix may only set spec.template.spec.${workloadPatchFields.join('/')}`);
    // A rollback restores what apply kept: the same object, and only the fields the patch touched.
    const kept = (p.applied?.previous ?? {}) as { kind?: string; namespace?: string; name?: string; templateSpec?: Record<string, unknown> };
    if (job === 'rollback' && kept.name !== undefined && (kept.kind !== o.kind || kept.namespace !== o.namespace || kept.name !== o.name)) refuse(`its applied record restores ${kept.kind} ${kept.namespace}/${kept.name}, not ${o.kind} ${o.namespace}/${o.name}`);
    const keptForeign = Object.keys(kept.templateSpec ?? {}).filter((k) => !workloadPatchFields.includes(k));
    if (job === 'rollback' && keptForeign.length) refuse(`its applied record restores spec.template.spec.${keptForeign.join(', spec.template.spec.')}`);
    return;
  }
  refuse(`a ${fix.kind} fix is never applied`);
}
