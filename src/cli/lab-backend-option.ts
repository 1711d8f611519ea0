/**
 * `--backend loopback|netns` of the commands that start labs (lab, lab test, why --lab, demo). The
 * netns backend re-runs the command inside its crash-safe wrapper (src/lab/netns/wrapper.ts); inside,
 * the choice reaches startLab through DNSWHY_LAB_BACKEND.
 */
import { Option, type Command } from 'commander';

export const labBackends = ['loopback', 'netns'] as const;
export type LabBackendName = (typeof labBackends)[number];

export function backendOption(): Option {
  return new Option('--backend <name>', 'lab backend: loopback (no root) or netns (network namespaces, nft, real libc; needs root or a user namespace)').choices(labBackends).default('loopback');
}

/**
 * The backend a sub-command (`lab test`) was given. Commander hands an option that both the
 * sub-command and its parent (`lab`) know to the parent, wherever it stands, so `lab test --backend
 * netns` arrives as the parent's; the sub-command's own value only counts when it came from the line.
 */
export function backendOf(cmd: Command): LabBackendName | undefined {
  if (cmd.getOptionValueSource('backend') === 'cli') return cmd.opts().backend as LabBackendName;
  const parent = cmd.parent;
  if (parent?.getOptionValueSource('backend') === 'cli') return parent.opts().backend as LabBackendName;
  return cmd.opts().backend as LabBackendName | undefined;
}

/**
 * Call first in the action. Returns true when the command already ran (in the wrapper, its exit
 * code set) or cannot run; false when the caller goes on (loopback, or inside the wrapper).
 */
export async function enterBackend(backend: LabBackendName | undefined): Promise<boolean> {
  if (backend !== 'netns') return false;
  const w = await import('../lab/netns/wrapper.js');
  process.env.DNSWHY_LAB_BACKEND = 'netns';
  if (w.insideWrapper()) {
    w.prepareInside();
    return false;
  }
  const flags = w.wrapperFlags();
  if ('problem' in flags) {
    process.stderr.write(`dnswhy: --backend netns is not possible here: ${flags.problem}\n`);
    process.exitCode = 3;
    return true;
  }
  process.exitCode = await w.runInWrapper(process.argv.slice(1), flags.flags);
  return true;
}
