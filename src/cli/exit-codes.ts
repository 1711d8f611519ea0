/** Process exit codes shared by every sub-command. */
export const exitCodes = {
  ok: 0,
  /** A finding was reported, or the input is invalid. */
  finding: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** The tool could not do its job: nothing wrong found, but the pod's own view could not be tested. */
  couldNotTell: 3,
} as const;
