/**
 * `--backend loopback|netns` of the commands that start labs (lab, lab test, why --lab, demo). The
 * netns backend re-runs the command inside its crash-safe wrapper (src/lab/netns/wrapper.ts); inside,
 * the choice reaches startLab through DNSWHY_LAB_BACKEND.
 */
import { Option } from 'commander';

export const labBackends = ['loopback', 'netns'] as const;
export type LabBackendName = (typeof labBackends)[number];

export function backendOption(): Option {
  return new Option('--backend <name>', 'lab backend: loopback (no root) or netns (network namespaces, nft, real libc; needs root or a user namespace)').choices(labBackends).default('loopback');
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
