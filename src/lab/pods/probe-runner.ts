/**
 * Runs dnswhy's pod-side probe for a probe pod or ephemeral container whose command is
 * `dnswhy probe --spec '<json>'`: the same code a real probe pod runs, bound to the pod's mapped
 * address in the lab. Its stdout (the JSON output) becomes the container's log.
 */
import type { ExecResult } from '../../core/cluster-access.js';
// Type only: the probe itself is loaded on first use (below), off the lab's start-up path.
import type { PodRuntime } from '../../probes/pod-probe/run-pod-probe.js';

/** Runs a probe command line (`['dnswhy','probe','--spec',json]`) in a pod. */
export type ProbeRunner = (argv: string[], rt: PodRuntime) => Promise<ExecResult>;

/** True when a container command is dnswhy's probe. */
export function isProbeCommand(argv: readonly string[] | undefined): boolean {
  return !!argv && argv.length >= 2 && /(^|\/)dnswhy$/.test(argv[0]!) && argv[1] === 'probe';
}

/**
 * The default runner: runPodProbe (src/probes/pod-probe), loaded on first use (kept off the lab's start-up
 * path), with the same spec handling and output as `dnswhy probe` (src/cli/commands/probe.ts):
 * one JSON line on stdout; a bad spec exits 2 naming the wrong fields.
 */
export const defaultProbeRunner: ProbeRunner = async (argv, rt) => {
  let text: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--spec') text = argv[i + 1];
    else if (argv[i]!.startsWith('--spec=')) text = argv[i]!.slice('--spec='.length);
  }
  if (text === undefined) return { stdout: '', stderr: "error: required option '--spec <json>' not specified\n", exitCode: 1 };
  const { PodProbeSpecError, parsePodProbeSpec, runPodProbe } = await import('../../probes/pod-probe/index.js');
  let spec;
  try {
    spec = parsePodProbeSpec(text);
  } catch (e) {
    if (!(e instanceof PodProbeSpecError)) throw e;
    return { stdout: '', stderr: `dnswhy probe: ${e.message}\n`, exitCode: 2 };
  }
  try {
    const output = await runPodProbe(spec, rt);
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  } catch (e) {
    return { stdout: '', stderr: `dnswhy probe: ${(e as Error).message}\n`, exitCode: 1 };
  }
};
