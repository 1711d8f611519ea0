/**
 * What applying (or rolling back) a fix returns, and the refusals it can end with. Plain JSON:
 * the Slack side stores an ApplyResult in Redis and hands it back to rollbackFix.
 */
import { ConflictError } from '../core/cluster-access.js';
import type { WorkloadKind } from '../core/model/workload-kinds.js';
import { DnswhyError } from '../core/errors.js';

/** One step of an apply, for the audit trail in the thread. */
export interface ApplyStep {
  at: string;
  step: 'validate' | 're-read' | 'dry-run' | 'patch' | 'reload' | 'restart' | 'rollout';
  ok: boolean;
  detail: string;
}

/** The object a fix writes. */
export type FixTarget =
  | { kind: 'ConfigMap'; namespace: string; name: string; key: string }
  | { kind: WorkloadKind; namespace: string; name: string };

/** What was there before the write, enough to put it back exactly. */
export type PreviousVersion =
  | { kind: 'ConfigMap'; namespace: string; name: string; key: string; resourceVersion: string; data: Record<string, string> }
  | {
      kind: WorkloadKind;
      namespace: string;
      name: string;
      resourceVersion: string;
      /** The pod template fields the patch touched, as they were (absent fields recorded as null). */
      templateSpec: Record<string, unknown>;
      templateMetadata: Record<string, unknown>;
    };

export interface ApplyResult {
  applied: boolean;
  dryRunOk: boolean;
  target: FixTarget;
  previous: PreviousVersion;
  /** resourceVersion after the write (rollback refuses if the object moved on since). */
  newResourceVersion?: string;
  /**
   * Workloads: sha256 of the pod template as written. Rollback compares templates, not
   * resourceVersions, because controllers rewrite a workload's status (and its resourceVersion) all the time.
   */
  appliedTemplateHash?: string;
  /** CoreDNS replicas that loaded the new Corefile, with the hash they report. */
  reloaded: { pod: string; hash: string }[];
  /** The Corefile has no `reload`, or not every replica loaded it in time: restart CoreDNS to be sure. */
  needsRestart: boolean;
  /** Set when the CoreDNS Deployment was restarted as asked. */
  restarted?: { namespace: string; name: string };
  steps: ApplyStep[];
}

/** The target changed since the fix was proposed (or since it was applied, for a rollback). */
export class StaleTargetError extends ConflictError {
  override readonly code = 'fix-stale-target';
  constructor(
    message: string,
    readonly steps: ApplyStep[],
  ) {
    super(message, 'changed');
  }
}

/** The fix (or the version to restore) did not pass validation or the server-side dry run. */
export class FixRejectedError extends DnswhyError {
  override readonly code = 'fix-rejected';
  override readonly permanent = true;
  constructor(
    message: string,
    readonly steps: ApplyStep[],
  ) {
    super(message);
  }
}
