/**
 * Rolling back an applied fix with the same safety rules as applying it: re-read the target and
 * refuse if it changed since the apply, validate the version to restore, server-side dry run,
 * patch with the resourceVersion precondition, and (for the Corefile) wait for CoreDNS to load it.
 */
import type { ClusterAccess } from '../core/cluster-access.js';
import { defaultCorednsLocation } from '../core/model/coredns-location.js';
import { corednsVersion, gateInputs, settleCoredns, writeCorefileData, writeWorkloadPatch, type ApplyOptions } from './apply-fix.js';
import { StepLog } from './step-log.js';
import { StaleTargetError, type ApplyResult, type PreviousVersion } from './apply-types.js';
import { mergePatchTo } from './merge-patch.js';
import { corednsHashes } from './reload-wait.js';
import { templateHash } from './template-hash.js';

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function staleDetail(what: string, applied: ApplyResult, now: string): string {
  return `${what} changed since the fix was applied (resourceVersion ${applied.newResourceVersion} → ${now}); rolling back would undo someone else's change: re-diagnose`;
}

/**
 * Restore the version an ApplyResult kept. Returns an ApplyResult for the rollback itself (its
 * `previous` is the fixed version, so a rollback can be rolled back too). Throws like applyFix.
 */
export async function rollbackFix(access: ClusterAccess, applied: ApplyResult, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const log = new StepLog(opts.onStep);
  const prev = applied.previous;
  if (prev.kind === 'ConfigMap') {
    const loc = { ...defaultCorednsLocation, namespace: prev.namespace, ...opts.coredns };
    const current = await access.readConfigMap(prev.namespace, prev.name);
    if (applied.newResourceVersion !== undefined && current.resourceVersion !== applied.newResourceVersion) {
      const detail = staleDetail(`ConfigMap ${prev.namespace}/${prev.name}`, applied, current.resourceVersion);
      log.add('re-read', false, detail);
      throw new StaleTargetError(detail, log.steps);
    }
    log.add('re-read', true, `ConfigMap ${prev.namespace}/${prev.name} unchanged since the fix was applied (resourceVersion ${current.resourceVersion})`);
    const oldHashes = new Set((await corednsHashes(access, loc).catch(() => [])).map((h) => h.hash).filter((h): h is string => !!h));
    const [gate, version] = await Promise.all([gateInputs(access, loc, current, prev.key, prev.data, log), corednsVersion(access, loc)]);
    const before: PreviousVersion = { kind: 'ConfigMap', namespace: prev.namespace, name: prev.name, key: prev.key, resourceVersion: current.resourceVersion, data: { ...current.data } };
    const written = await writeCorefileData(access, current, prev.data, gate, log, version);
    const settled = await settleCoredns(access, loc, gate.text, oldHashes, log, opts);
    return {
      applied: true,
      dryRunOk: true,
      target: { kind: 'ConfigMap', namespace: prev.namespace, name: prev.name, key: prev.key },
      previous: before,
      newResourceVersion: written.resourceVersion,
      ...settled,
      steps: log.steps,
    };
  }

  const current = await access.readWorkload(prev.kind, prev.namespace, prev.name);
  const what = `${prev.kind} ${prev.namespace}/${prev.name}`;
  // Controllers write a workload's status (and so its resourceVersion) constantly: compare the template.
  const moved =
    applied.appliedTemplateHash !== undefined
      ? templateHash(current.template) !== applied.appliedTemplateHash
      : applied.newResourceVersion !== undefined && current.resourceVersion !== applied.newResourceVersion;
  if (moved) {
    const detail = `${what}'s pod template changed since the fix was applied; rolling back would undo someone else's change: re-diagnose`;
    log.add('re-read', false, detail);
    throw new StaleTargetError(detail, log.steps);
  }
  log.add('re-read', true, `${what} pod template unchanged since the fix was applied`);
  const tplSpec = asRecord(current.template.spec);
  const tplMeta = asRecord(current.template.metadata);
  const pick = (from: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, from[k] === undefined ? null : structuredClone(from[k])]));
  const curSpec = pick(tplSpec, Object.keys(prev.templateSpec));
  const curMeta = pick(tplMeta, Object.keys(prev.templateMetadata));
  // A JSON merge patch from the current fields to the kept ones: lists replaced whole, added keys removed.
  const patch = {
    spec: {
      template: {
        ...(Object.keys(curMeta).length ? { metadata: asRecord(mergePatchTo(curMeta, prev.templateMetadata)) } : {}),
        spec: asRecord(mergePatchTo(curSpec, prev.templateSpec)),
      },
    },
  };
  log.add('validate', true, `restoring ${Object.keys(prev.templateSpec).join(', ') || 'nothing'} of the pod template as it was at resourceVersion ${prev.resourceVersion}`);
  const written = await writeWorkloadPatch(access, current, patch, 'merge', log);
  return {
    applied: true,
    dryRunOk: true,
    target: { kind: prev.kind, namespace: prev.namespace, name: prev.name },
    previous: { ...prev, resourceVersion: current.resourceVersion, templateSpec: curSpec, templateMetadata: curMeta },
    newResourceVersion: written.resourceVersion,
    appliedTemplateHash: templateHash(written.template),
    reloaded: [],
    needsRestart: false,
    steps: log.steps,
  };
}
