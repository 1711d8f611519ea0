/**
 * kubectl's habit: `kubectl dnswhy -n mos why pod name` puts the cluster options before the
 * sub-command. Those (and `--no-color`, accepted anywhere) are moved after the sub-command's own
 * arguments, where the sub-command that takes them parses them; one that does not take them
 * refuses them as it would refuse them after its name.
 */

/** Options with a value that may stand before the sub-command. */
const valued = new Set(['-n', '--namespace', '--context', '--kubeconfig']);

export interface SplitArgv {
  /** The command line with the leading cluster options moved after the sub-command, and --no-color removed. */
  argv: string[];
  noColor: boolean;
}

export function splitGlobalOptions(raw: readonly string[]): SplitArgv {
  const leading: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const a = raw[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (a === '--no-color') {
      i += 1;
      continue;
    }
    if (!valued.has(flag)) break;
    if (flag !== a) {
      leading.push(a);
      i += 1;
    } else {
      // A missing value stays where it is: the sub-command (or commander) names the problem.
      if (i + 1 >= raw.length) break;
      leading.push(a, raw[i + 1]!);
      i += 2;
    }
  }
  const rest = raw.slice(i);
  const dashDash = rest.indexOf('--');
  const noColor = raw.slice(0, i).includes('--no-color') || (dashDash < 0 ? rest : rest.slice(0, dashDash)).includes('--no-color');
  const cleaned = rest.filter((a, j) => a !== '--no-color' || (dashDash >= 0 && j > dashDash));
  if (leading.length === 0) return { argv: cleaned, noColor };
  const at = cleaned.indexOf('--');
  const argv = at < 0 ? [...cleaned, ...leading] : [...cleaned.slice(0, at), ...leading, ...cleaned.slice(at)];
  return { argv, noColor };
}
