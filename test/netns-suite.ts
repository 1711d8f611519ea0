/**
 * Whether this vitest run includes the netns suite (test/lab/netns/: the lab on the real kernel).
 * Decided once, when vitest reads its config: the suite runs where the machine allows network
 * namespaces (root, or an unprivileged user namespace); where it does not, its files are left out of
 * the run and one line says why, so a suite that could not run is never counted as passed or
 * skipped. With DNSWHY_NETNS_REQUIRED=1 (.ci/run sets it on machines of the kind CI uses) the files
 * always run, and fail when namespaces cannot be made.
 */
import { wrapperFlags } from '../src/lab/netns/wrapper.js';

export const netnsTests = 'test/lab/netns/**';

/** The globs to exclude (empty when the suite runs), after printing why it does not. */
export function netnsExclusion(env: NodeJS.ProcessEnv = process.env, availability: () => ReturnType<typeof wrapperFlags> = wrapperFlags, say: (line: string) => void = console.log): string[] {
  if (env.DNSWHY_NETNS_REQUIRED === '1') return [];
  const found = availability();
  if (!('problem' in found)) return [];
  say(`netns suite not run: ${found.problem} (test/lab/netns/ is left out of this run; DNSWHY_NETNS_REQUIRED=1 runs it, and it fails)`);
  return [netnsTests];
}
