/**
 * The steps of an apply or a rollback as they happen (the audit trail in the thread), and how a
 * failed write becomes the refusal the approver sees.
 */
import { AdmissionRefusedError, ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from '../core/cluster-access.js';
import { FixRejectedError, StaleTargetError, type ApplyStep } from './apply-types.js';

/** Records steps and reports them as they happen. */
export class StepLog {
  readonly steps: ApplyStep[] = [];
  constructor(private readonly onStep?: (s: ApplyStep) => void) {}
  add(step: ApplyStep['step'], ok: boolean, detail: string): void {
    const s: ApplyStep = { at: new Date().toISOString(), step, ok, detail };
    this.steps.push(s);
    this.onStep?.(s);
  }
}

/** Turn a write error into the refusal the caller shows (stale, rejected), or pass it on (forbidden, transient). */
export function refusal(err: unknown, what: string, log: StepLog, step: ApplyStep['step']): Error {
  const msg = (err as Error).message;
  log.add(step, false, msg);
  if (err instanceof ConflictError) return new StaleTargetError(`${what} changed while applying (resourceVersion precondition failed); re-diagnose`, log.steps);
  if (err instanceof InvalidRequestError) return new FixRejectedError(`the API server rejected the change to ${what}: ${msg}`, log.steps);
  if (err instanceof AdmissionRefusedError) return new FixRejectedError(`an admission policy of the cluster refused the change to ${what}: ${msg}`, log.steps);
  if (err instanceof ForbiddenError || err instanceof NotFoundError) return err;
  return err as Error;
}
