/**
 * How a check says it could not judge: it throws LacksEvidenceError naming the evidence it needed,
 * instead of returning nothing (which would read as "looked and found nothing"). The runner turns it
 * into a note on the report; it is never a finding, so it cannot change the verdict.
 */
import { DnswhyError } from '../core/errors.js';

/** The evidence a check cannot judge without was not gathered (a probe was forbidden, timed out, or not run). */
export class LacksEvidenceError extends DnswhyError {
  override readonly code = 'check-lacks-evidence';
  override readonly permanent = true;
  /** @param what - the missing evidence in plain words: "a lookup of the name from the pod's position" */
  constructor(readonly what: string) {
    super(`no ${what} was gathered`);
  }
}
