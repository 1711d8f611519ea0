/**
 * What a cluster worker needs from the cluster it serves: diagnose, apply a fix, roll it back.
 * The real implementation (open-cluster-runtime.ts) wraps the diagnosis orchestrator and the
 * remediation layer; tests pass a fake that needs no cluster.
 */
import type { Report } from '../src/core/model/index.js';
import type { HealthInput } from '../src/core/health/model.js';
import type { DiagnosisTarget } from '../src/core/model/diagnosis.js';
import type { EarlyCauses } from '../src/diagnosis/run-diagnosis.js';
import type { AppliedRecord, ApplicableFix } from '../src/store/proposal-store.js';

/** What applying a fix kept and said. */
export interface ApplyOutcome {
  record: AppliedRecord;
  /** Steps in plain words (re-read, dry run, patch, reload), for the thread. */
  message: string;
  /** "CoreDNS reloaded (hash …)" or "restart needed". */
  reloadNote?: string;
}

export interface ClusterRuntime {
  readonly name: string;
  /** Set when this worker must not change the cluster (a diagnose-only install): why, in words for the thread. */
  readonly applyDisabled?: string;
  /**
   * Runs one diagnosis; throws PodNotFoundError / ForbiddenError (permanent) or other errors (retried).
   * @param hooks.onEarlyCauses - told the causes found while the deep probes still run (run-diagnosis.ts)
   */
  diagnose(target: DiagnosisTarget, onProgress: (step: string, done: number, total: number) => void, hooks?: { onEarlyCauses?: (early: EarlyCauses) => void }): Promise<Report>;
  /**
   * Applies a fix; throws a ConflictError when the target changed since the proposal.
   * @param hooks.beforeWrite - called with what is about to be overwritten, right before the write
   *   (the caller records it, so a crash after the write can still be recovered and rolled back)
   */
  applyFix(fix: ApplicableFix, hooks?: { beforeWrite?: (previous: unknown) => Promise<void> }): Promise<ApplyOutcome>;
  /**
   * When the target already holds exactly what the fix would write (an earlier run applied it and
   * died before recording it), what to keep for rollback; undefined otherwise.
   * @param previous - what the earlier run recorded through beforeWrite, when it got that far
   */
  alreadyApplied?(fix: ApplicableFix, previous?: unknown): Promise<AppliedRecord | undefined>;
  /** Restores what applyFix kept; throws a ConflictError when the object moved on since. */
  rollbackFix(applied: AppliedRecord): Promise<{ message: string }>;
  /**
   * The DNS side of the cluster now, as data for a health summary (CoreDNS replicas, zones,
   * endpoints, metrics, Corefile, latency/loss sample); the health job adds the previous snapshot.
   */
  health(): Promise<HealthInput>;
  /**
   * Whether the cluster's API server answers (readiness); resolves with what was seen, throws when
   * it cannot be reached. An answer that refuses us (403) still proves it is reachable.
   */
  ping?(): Promise<string>;
  close(): Promise<void>;
}
