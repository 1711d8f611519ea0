/**
 * Process exit codes shared by every sub-command, so scripts can tell "DNS is broken" from "the
 * tool could not look":
 *   0  healthy, or valid
 *   1  a finding (DNS is broken, health is degraded, the Corefile is invalid)
 *   2  usage: the command line itself was wrong
 *   3  the tool could not do its job (cluster unreachable, forbidden, pod or file missing, or the
 *      diagnosis could not test the pod's own view)
 */
import { codedError } from '../core/errors.js';

export const exitCodes = {
  ok: 0,
  /** A finding was reported, or the Corefile is invalid. */
  finding: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** The tool could not do its job: unreachable, forbidden, missing, or nothing could be proven either way. */
  couldNotTell: 3,
} as const;

/** The exit-code table as `--help` prints it. */
export const exitCodeHelp = `Exit codes:
  0  healthy, or valid
  1  a finding (DNS broken, health degraded, Corefile invalid)
  2  usage error
  3  could not do its job (cluster unreachable, forbidden, pod or file missing, inconclusive)`;

/** The exit code for an error a command could not recover from. */
export function exitCodeFor(err: unknown): number {
  const code = codedError(err)?.code;
  if (code === 'input-invalid') return exitCodes.usage;
  if (code === 'corefile-invalid') return exitCodes.finding;
  // Everything else (cluster-*, pod-not-found, input-file-invalid, an unexpected failure) kept the tool from answering.
  return exitCodes.couldNotTell;
}
