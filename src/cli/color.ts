/**
 * Whether the CLI colours its output: only on a terminal, and never when NO_COLOR is set (to any
 * non-empty value, https://no-color.org) or `--no-color` was given anywhere on the command line.
 */
let disabledByFlag = false;

/** main() calls this with whether `--no-color` was given. */
export function setNoColorFlag(on: boolean): void {
  disabledByFlag = on;
}

export function useColor(stream: { isTTY?: boolean }): boolean {
  if (disabledByFlag) return false;
  const env = process.env.NO_COLOR;
  if (env !== undefined && env !== '') return false;
  return Boolean(stream.isTTY);
}
