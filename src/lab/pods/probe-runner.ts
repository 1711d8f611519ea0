/**
 * Runs dnswhy's pod-side probe for a probe pod or ephemeral container whose command is
 * `dnswhy probe --spec '<json>'`: the same code a real probe pod runs, bound to the pod's mapped
 * address in the lab. Its stdout (the JSON output) becomes the container's log.
 */
import type { NetworkPosition } from '../../core/network-position.js';

/** The pod a probe runs in, as the probe sees it. */
export interface ProbePodRuntime {
  network: NetworkPosition;
  podIp: string;
  resolvConf: string;
  hosts: string;
  now?: () => number;
}

export interface ProbeRunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs a probe command line (`['dnswhy','probe','--spec',json]`) in a pod. */
export type ProbeRunner = (argv: string[], rt: ProbePodRuntime) => Promise<ProbeRunResult>;

/** True when a container command is dnswhy's probe. */
export function isProbeCommand(argv: readonly string[] | undefined): boolean {
  return !!argv && argv.length >= 2 && /(^|\/)dnswhy$/.test(argv[0]!) && argv[1] === 'probe';
}

/** The JSON after `--spec` (or `--spec=`), parsed; an error message when it is missing or not JSON. */
export function probeSpecFromArgv(argv: readonly string[]): { spec: unknown } | { error: string } {
  let text: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--spec') text = argv[i + 1];
    else if (argv[i]!.startsWith('--spec=')) text = argv[i]!.slice('--spec='.length);
  }
  if (text === undefined) return { error: 'dnswhy probe: missing --spec <json>' };
  try {
    return { spec: JSON.parse(text) };
  } catch (e) {
    return { error: `dnswhy probe: --spec is not JSON: ${(e as Error).message}` };
  }
}

// A variable specifier keeps this file compiling before DNSPROBE's module exists.
const podProbeModule = '../../probes/pod-probe/index.js';

/** The default runner: DNSPROBE's runPodProbe, loaded on first use (kept off the lab's start-up path). */
export const defaultProbeRunner: ProbeRunner = async (argv, rt) => {
  const parsed = probeSpecFromArgv(argv);
  if ('error' in parsed) return { stdout: '', stderr: `${parsed.error}\n`, exitCode: 2 };
  let mod: { runPodProbe: (spec: unknown, rt: ProbePodRuntime) => Promise<unknown> };
  try {
    mod = await import(podProbeModule);
  } catch (e) {
    return { stdout: '', stderr: `dnswhy probe: the pod probe is not available: ${(e as Error).message}\n`, exitCode: 1 };
  }
  try {
    const output = await mod.runPodProbe(parsed.spec, rt);
    return { stdout: `${JSON.stringify(output)}\n`, stderr: '', exitCode: 0 };
  } catch (e) {
    return { stdout: '', stderr: `dnswhy probe: ${(e as Error).message}\n`, exitCode: 1 };
  }
};
