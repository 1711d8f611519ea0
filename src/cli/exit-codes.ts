/** Process exit codes shared by every sub-command. */
export const exitCodes = {
  ok: 0,
  /** A finding was reported, or the input is invalid. */
  finding: 1,
  /** The command line itself was wrong. */
  usage: 2,
} as const;
