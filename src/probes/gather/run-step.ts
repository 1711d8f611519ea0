/**
 * Running one gathering step: a deadline, timing, and turning a failure into a `probe-error`
 * evidence item that says what could not be learned and why (the missing permission for RBAC).
 */
import { AdmissionRefusedError, ClusterError, ForbiddenError, NotFoundError } from '../../core/cluster-access.js';
import type { Evidence, EvidenceOrigin, ProbeErrorEvidence } from '../../core/model/index.js';
import { DnswhyError } from '../../core/errors.js';

/** A step ran out of time. */
export class StepTimeoutError extends DnswhyError {
  override readonly code = 'probe-step-timeout';
  override readonly permanent = false;
  constructor(
    readonly step: string,
    readonly timeoutMs: number,
  ) {
    super(`${step}: no result within ${timeoutMs} ms`);
  }
}

/** Reject with StepTimeoutError after `ms` (the work itself is not cancelled; its result is ignored). */
export async function withTimeout<T>(step: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StepTimeoutError(step, ms)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Timing of a step. */
export interface Timing {
  at: string;
  started: number;
}

export function startTiming(): Timing {
  return { at: new Date().toISOString(), started: Date.now() };
}

export function elapsed(t: Timing): number {
  return Date.now() - t.started;
}

/** Why a step failed, in words an on-call engineer can act on. */
export function reasonOf(err: unknown): { reason: string; rbac?: ProbeErrorEvidence['rbac'] } {
  if (err instanceof ForbiddenError) {
    return {
      reason: `forbidden: the API server refused "${err.permission}" (RBAC)`,
      rbac: {
        verb: err.verb,
        resource: err.resource,
        ...(err.namespace ? { namespace: err.namespace } : {}),
        ...(err.subresource ? { subresource: err.subresource } : {}),
      },
    };
  }
  if (err instanceof AdmissionRefusedError) return { reason: `refused at admission (not RBAC): ${err.message}` };
  if (err instanceof StepTimeoutError) return { reason: `timed out after ${err.timeoutMs} ms` };
  if (err instanceof NotFoundError) return { reason: `not found: ${err.message}` };
  if (err instanceof ClusterError) return { reason: err.message };
  if (err instanceof Error) return { reason: err.message };
  return { reason: String(err) };
}

/** A probe-error evidence item for a failed step. */
export function probeError(probe: string, what: string, err: unknown, t: Timing, from: EvidenceOrigin = { kind: 'worker' }): ProbeErrorEvidence {
  const { reason, rbac } = reasonOf(err);
  return { id: '', kind: 'probe-error', from, at: t.at, ms: elapsed(t), probe, what, reason, ...(rbac ? { rbac } : {}) };
}

/** Give evidence ids e1..eN in list order. */
export function renumber(evidence: Evidence[]): Evidence[] {
  return evidence.map((e, i) => ({ ...e, id: `e${i + 1}` }));
}
