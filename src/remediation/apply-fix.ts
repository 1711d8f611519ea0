/**
 * Applying an approved fix: re-read the target and refuse if it changed since the
 * proposal; validate; server-side dry run; patch with the resourceVersion precondition; keep the
 * previous version for rollback; then wait for CoreDNS to load the new Corefile (the reload hash
 * in its metrics) or say that a restart is needed. Nothing is written unless every check passed.
 */
import { customConfigDir, mountedFiles } from '../core/corefile/configmap-files.js';
import { defaultCorefileDir } from '../core/corefile/imports.js';
import type { ClusterAccess, ConfigMapData, WorkloadInfo } from '../core/cluster-access.js';
import { NotFoundError } from '../core/cluster-access.js';
import type { CorefilePatchFix, WorkloadPatchFix } from '../core/model/index.js';
import { defaultCorednsLocation, type CorednsLocation } from '../core/model/coredns-location.js';
import { FixRejectedError, StaleTargetError, type ApplyResult, type ApplyStep, type PreviousVersion } from './apply-types.js';
import { refusal, StepLog } from './step-log.js';
import { describeDiagnostics, gateCorefile, hasReload, versionFromImage } from './corefile-gate.js';
import { corednsHashes, waitForReload } from './reload-wait.js';
import { restartCoredns } from './restart-coredns.js';
import { templateHash } from './template-hash.js';

export interface ApplyOptions {
  /** Where CoreDNS runs (its pods' label selector, metrics port). */
  coredns?: Partial<CorednsLocation>;
  /** How long to wait for every replica to load the new Corefile (default 90 s: reload checks every 30 s ± 15 s, plus kubelet's ConfigMap sync). */
  reloadTimeoutMs?: number;
  pollMs?: number;
  /** Restart the CoreDNS Deployment when the Corefile has no `reload` (default false: report needsRestart). */
  restartIfNeeded?: boolean;
  /** Called as each step completes (progress in the thread). */
  onStep?: (s: ApplyStep) => void;
  /**
   * Called with what is about to be overwritten, after every check passed and right before the
   * real write. The caller stores it first (write-ahead), so a process that dies after the write
   * can still roll the change back: the target's state alone no longer says what was there.
   */
  beforeWrite?: (previous: PreviousVersion) => Promise<void>;
}

function locationOf(namespace: string, opts: ApplyOptions): CorednsLocation {
  return { ...defaultCorednsLocation, namespace, ...opts.coredns };
}

/**
 * What the gate validates for writing `newData` into `current`: the Corefile CoreDNS will load and the
 * files mounted beside it. A write to the provider's coredns-custom ConfigMap leaves the Corefile as it
 * is and changes what its imports read, so the managed Corefile is validated with the new keys.
 */
export async function gateInputs(
  access: ClusterAccess,
  loc: CorednsLocation,
  current: ConfigMapData,
  key: string,
  newData: Record<string, string>,
  log: StepLog,
): Promise<{ text: string; files: Record<string, string> }> {
  if (current.namespace === loc.namespace && current.name === loc.customConfigMap) {
    const main = await access.readConfigMap(loc.namespace, loc.configMap);
    const text = main.data.Corefile;
    if (text === undefined) throw new FixRejectedError(`ConfigMap ${loc.namespace}/${loc.configMap} has no Corefile key to validate ${current.name} against`, log.steps);
    return { text, files: { ...mountedFiles(newData, customConfigDir), ...mountedFiles(main.data, defaultCorefileDir, 'Corefile') } };
  }
  const text = newData[key];
  if (text === undefined) throw new FixRejectedError(`ConfigMap ${current.namespace}/${current.name}: the new data has no ${key} key`, log.steps);
  return { text, files: { ...(await readCustomFiles(access, loc)), ...mountedFiles(newData, defaultCorefileDir, key) } };
}

/**
 * Write new ConfigMap data safely: validate the Corefile (with `gate`'s files), dry run, then patch
 * with the precondition. Shared by apply and rollback. Returns the written ConfigMap.
 */
export async function writeCorefileData(
  access: ClusterAccess,
  current: ConfigMapData,
  newData: Record<string, string>,
  gateWith: { text: string; files: Record<string, string> },
  log: StepLog,
  corednsVersion?: string,
  beforeWrite?: () => Promise<void> | undefined,
): Promise<ConfigMapData> {
  const what = `ConfigMap ${current.namespace}/${current.name}`;
  const { text, files } = gateWith;
  const gate = gateCorefile(text, files, corednsVersion);
  if (!gate.ok) {
    log.add('validate', false, describeDiagnostics(gate.errors));
    throw new FixRejectedError(`the new Corefile does not validate: ${describeDiagnostics(gate.errors)}`, log.steps);
  }
  log.add('validate', true, `Corefile parses and validates${corednsVersion ? ` for CoreDNS ${corednsVersion}` : ''}`);
  // Keys that are in the ConfigMap now but not in the new data are removed (null in a merge patch).
  const patch: Record<string, string | null> = { ...newData };
  for (const k of Object.keys(current.data)) if (!(k in newData)) patch[k] = null;
  try {
    await access.patchConfigMapData(current.namespace, current.name, patch, { resourceVersion: current.resourceVersion, dryRun: true });
  } catch (err) {
    throw refusal(err, what, log, 'dry-run');
  }
  log.add('dry-run', true, `server-side dry run of ${what} accepted`);
  await beforeWrite?.();
  let written: ConfigMapData;
  try {
    written = await access.patchConfigMapData(current.namespace, current.name, patch, { resourceVersion: current.resourceVersion });
  } catch (err) {
    throw refusal(err, what, log, 'patch');
  }
  log.add('patch', true, `${what} patched (resourceVersion ${current.resourceVersion} → ${written.resourceVersion})`);
  return written;
}

/** The CoreDNS version the replicas run, from their image (undefined when it cannot be told). */
export async function corednsVersion(access: ClusterAccess, loc: CorednsLocation): Promise<string | undefined> {
  try {
    const pods = await access.listPods(loc.namespace, { labelSelector: loc.labelSelector });
    return pods.map((p) => versionFromImage(p.images?.[0])).find(Boolean);
  } catch {
    return undefined;
  }
}

export async function readCustomFiles(access: ClusterAccess, loc: CorednsLocation): Promise<Record<string, string>> {
  try {
    const cm = await access.readConfigMap(loc.namespace, loc.customConfigMap);
    return mountedFiles(cm.data, customConfigDir);
  } catch (err) {
    if (err instanceof NotFoundError) return {};
    throw err;
  }
}

/** After a Corefile write: wait for the reload hash to change, or restart / report that a restart is needed. */
export async function settleCoredns(
  access: ClusterAccess,
  loc: CorednsLocation,
  newText: string,
  oldHashes: Set<string>,
  log: StepLog,
  opts: ApplyOptions,
): Promise<Pick<ApplyResult, 'reloaded' | 'needsRestart' | 'restarted'>> {
  const timeoutMs = opts.reloadTimeoutMs ?? 90_000;
  const pollMs = opts.pollMs ?? 2000;
  const reloads = hasReload(gateCorefile(newText).model);
  if (!reloads) {
    if (!opts.restartIfNeeded) {
      log.add('reload', false, 'the Corefile has no `reload`: CoreDNS keeps the old configuration until its pods restart');
      return { reloaded: [], needsRestart: true };
    }
    const restarted = await restartCoredns(access, { ...opts, coredns: loc }, log);
    return { reloaded: [], needsRestart: !restarted.ready, restarted: { namespace: restarted.namespace, name: restarted.name } };
  }
  if (oldHashes.size === 0) {
    log.add('reload', false, 'could not read the loaded-config hash before the write (metrics unavailable), so the reload cannot be confirmed');
    return { reloaded: [], needsRestart: false };
  }
  const out = await waitForReload(access, loc, oldHashes, { timeoutMs, pollMs });
  if (out.pending.length === 0 && out.reloaded.length > 0) {
    log.add('reload', true, `every CoreDNS replica loaded the new Corefile: ${out.reloaded.map((r) => `${r.pod} (${r.hash.slice(0, 12)})`).join(', ')}`);
    return { reloaded: out.reloaded, needsRestart: false };
  }
  log.add(
    'reload',
    false,
    `after ${Math.round(timeoutMs / 1000)} s, ${out.pending.join(', ')} still report the old configuration${out.errors.length ? ` (${out.errors.join('; ')})` : ''}; restart CoreDNS if it does not load soon`,
  );
  return { reloaded: out.reloaded, needsRestart: true };
}

async function applyCorefileFix(access: ClusterAccess, fix: CorefilePatchFix, opts: ApplyOptions, log: StepLog): Promise<ApplyResult> {
  const { namespace, name, key } = fix.target;
  const loc = locationOf(namespace, opts);
  const current = await access.readConfigMap(namespace, name);
  const stale =
    fix.target.resourceVersion !== undefined ? current.resourceVersion !== fix.target.resourceVersion : (current.data[key] ?? '') !== fix.before;
  if (stale) {
    const detail = fix.target.resourceVersion
      ? `ConfigMap ${namespace}/${name} changed since proposed (resourceVersion ${fix.target.resourceVersion} → ${current.resourceVersion}); re-diagnose`
      : `ConfigMap ${namespace}/${name} ${key} changed since proposed; re-diagnose`;
    log.add('re-read', false, detail);
    throw new StaleTargetError(detail, log.steps);
  }
  log.add('re-read', true, `ConfigMap ${namespace}/${name} unchanged since proposed (resourceVersion ${current.resourceVersion})`);
  const before = await corednsHashes(access, loc).catch(() => []);
  const oldHashes = new Set(before.map((h) => h.hash).filter((h): h is string => !!h));
  const newData = { ...current.data, [key]: fix.after };
  const [gate, version] = await Promise.all([gateInputs(access, loc, current, key, newData, log), corednsVersion(access, loc)]);
  const previous: PreviousVersion = { kind: 'ConfigMap', namespace, name, key, resourceVersion: current.resourceVersion, data: { ...current.data } };
  const written = await writeCorefileData(access, current, newData, gate, log, version, () => opts.beforeWrite?.(previous));
  const settled = await settleCoredns(access, loc, gate.text, oldHashes, log, opts);
  return {
    applied: true,
    dryRunOk: true,
    target: { kind: 'ConfigMap', namespace, name, key },
    previous,
    newResourceVersion: written.resourceVersion,
    ...settled,
    steps: log.steps,
  };
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Only pod-template changes are allowed: `{spec: {template: {metadata?, spec?}}}` and nothing else. */
export function templatePatchParts(patch: Record<string, unknown>): { spec: Record<string, unknown>; metadata: Record<string, unknown> } {
  const extra = Object.keys(patch).filter((k) => k !== 'spec');
  const spec = asRecord(patch.spec);
  const extraSpec = Object.keys(spec).filter((k) => k !== 'template');
  const template = asRecord(spec.template);
  const extraTpl = Object.keys(template).filter((k) => k !== 'spec' && k !== 'metadata');
  const bad = [...extra, ...extraSpec.map((k) => `spec.${k}`), ...extraTpl.map((k) => `spec.template.${k}`)];
  if (bad.length || !spec.template) {
    throw new Error(`a workload fix may only change the pod template (spec.template); this patch also touches ${bad.join(', ') || 'nothing in spec.template'}`);
  }
  return { spec: asRecord(template.spec), metadata: asRecord(template.metadata) };
}

/** The touched template fields as they are now (absent → null), for an exact rollback. */
function previousFields(current: WorkloadInfo, touched: { spec: Record<string, unknown>; metadata: Record<string, unknown> }): PreviousVersion {
  const tplSpec = asRecord(current.template.spec);
  const tplMeta = asRecord(current.template.metadata);
  const pick = (from: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, from[k] === undefined ? null : structuredClone(from[k])]));
  return {
    kind: current.kind,
    namespace: current.namespace,
    name: current.name,
    resourceVersion: current.resourceVersion,
    templateSpec: pick(tplSpec, Object.keys(touched.spec)),
    templateMetadata: pick(tplMeta, Object.keys(touched.metadata)),
  };
}

/** Write a workload patch safely: dry run, then patch with the precondition. Shared by apply and rollback. */
export async function writeWorkloadPatch(
  access: ClusterAccess,
  current: WorkloadInfo,
  patch: Record<string, unknown>,
  patchType: 'strategic' | 'merge',
  log: StepLog,
  beforeWrite?: () => Promise<void> | undefined,
): Promise<WorkloadInfo> {
  const what = `${current.kind} ${current.namespace}/${current.name}`;
  try {
    await access.patchWorkload(current.kind, current.namespace, current.name, patch, { resourceVersion: current.resourceVersion, dryRun: true, patchType });
  } catch (err) {
    throw refusal(err, what, log, 'dry-run');
  }
  log.add('dry-run', true, `server-side dry run of ${what} accepted`);
  await beforeWrite?.();
  let written: WorkloadInfo;
  try {
    written = await access.patchWorkload(current.kind, current.namespace, current.name, patch, { resourceVersion: current.resourceVersion, patchType });
  } catch (err) {
    throw refusal(err, what, log, 'patch');
  }
  log.add('patch', true, `${what} pod template patched (resourceVersion ${current.resourceVersion} → ${written.resourceVersion}); its controller rolls the pods`);
  return written;
}

async function applyWorkloadFix(access: ClusterAccess, fix: WorkloadPatchFix, opts: ApplyOptions, log: StepLog): Promise<ApplyResult> {
  const { kind, namespace, name } = fix.target;
  let touched: ReturnType<typeof templatePatchParts>;
  try {
    touched = templatePatchParts(fix.patch);
  } catch (err) {
    log.add('validate', false, (err as Error).message);
    throw new FixRejectedError((err as Error).message, log.steps);
  }
  log.add('validate', true, `patch changes only the pod template (${[...Object.keys(touched.spec), ...Object.keys(touched.metadata).map((k) => `metadata.${k}`)].join(', ')})`);
  const current = await access.readWorkload(kind, namespace, name);
  const stale = workloadChangedSince(fix.target, current);
  if (stale) {
    const detail = `${kind} ${namespace}/${name} changed since proposed (${stale}); re-diagnose`;
    log.add('re-read', false, detail);
    throw new StaleTargetError(detail, log.steps);
  }
  log.add(
    're-read',
    true,
    fix.target.generation !== undefined || fix.target.resourceVersion !== undefined
      ? `${kind} ${namespace}/${name} spec unchanged since proposed (generation ${current.generation ?? '?'}, resourceVersion ${current.resourceVersion})`
      : `${kind} ${namespace}/${name} read (resourceVersion ${current.resourceVersion}); the proposal carried no version to compare`,
  );
  const previous = previousFields(current, touched);
  const written = await writeWorkloadPatch(access, current, fix.patch, 'strategic', log, () => opts.beforeWrite?.(previous));
  return {
    applied: true,
    dryRunOk: true,
    target: { kind, namespace, name },
    previous,
    newResourceVersion: written.resourceVersion,
    appliedTemplateHash: templateHash(written.template),
    reloaded: [],
    needsRestart: false,
    steps: log.steps,
  };
}

/**
 * Why a workload is no longer what a proposal saw, or undefined. With a generation, only spec
 * changes count (status writes move resourceVersion all the time); otherwise resourceVersion.
 */
export function workloadChangedSince(target: WorkloadPatchFix['target'], current: WorkloadInfo): string | undefined {
  if (target.generation !== undefined && current.generation !== undefined) {
    return current.generation !== target.generation ? `generation ${target.generation} → ${current.generation}` : undefined;
  }
  if (target.resourceVersion !== undefined && current.resourceVersion !== target.resourceVersion) {
    return `resourceVersion ${target.resourceVersion} → ${current.resourceVersion}`;
  }
  return undefined;
}

/**
 * Apply a Corefile or workload fix. Throws StaleTargetError (a ConflictError: the target changed
 * since the proposal; re-diagnose), FixRejectedError (validation or dry run failed; nothing was
 * written), ForbiddenError (missing permission), TransientError (try again).
 */
export async function applyFix(access: ClusterAccess, fix: CorefilePatchFix | WorkloadPatchFix, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const log = new StepLog(opts.onStep);
  return fix.kind === 'corefile-patch' ? applyCorefileFix(access, fix, opts, log) : applyWorkloadFix(access, fix, opts, log);
}

/**
 * After a run that died between writing a fix and recording it: whether the target already holds
 * exactly what the fix writes, and if so the record rollback needs, built from `previous` (what the
 * dead run stored before writing). For a workload the API server itself decides: a server-side dry
 * run of the same patch on the current object must leave its pod template unchanged.
 * @returns undefined when the fix is not (or not exactly) in place
 */
export async function recoverApplied(access: ClusterAccess, fix: CorefilePatchFix | WorkloadPatchFix, previous: PreviousVersion): Promise<ApplyResult | undefined> {
  if (fix.kind === 'corefile-patch') {
    const cm = await access.readConfigMap(fix.target.namespace, fix.target.name);
    if (cm.data[fix.target.key] !== fix.after || previous.kind !== 'ConfigMap') return undefined;
    return { applied: true, dryRunOk: true, target: { kind: 'ConfigMap', namespace: cm.namespace, name: cm.name, key: fix.target.key }, previous, newResourceVersion: cm.resourceVersion, reloaded: [], needsRestart: false, steps: [] };
  }
  if (previous.kind === 'ConfigMap') return undefined;
  const current = await access.readWorkload(fix.target.kind, fix.target.namespace, fix.target.name);
  const dry = await access.patchWorkload(current.kind, current.namespace, current.name, fix.patch, { resourceVersion: current.resourceVersion, dryRun: true, patchType: 'strategic' });
  const hash = templateHash(current.template);
  if (templateHash(dry.template) !== hash) return undefined;
  return { applied: true, dryRunOk: true, target: { kind: current.kind, namespace: current.namespace, name: current.name }, previous, newResourceVersion: current.resourceVersion, appliedTemplateHash: hash, reloaded: [], needsRestart: false, steps: [] };
}
