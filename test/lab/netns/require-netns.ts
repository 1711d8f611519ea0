/**
 * The netns suite's own guard: vitest's config leaves these files out where namespaces are not
 * possible (test/netns-suite.ts), so reaching them there means DNSWHY_NETNS_REQUIRED=1 asked for
 * them; they then fail with the reason instead of running half a lab.
 */
import { wrapperFlags } from '../../../src/lab/netns/wrapper.js';

export function assertNetnsAvailable(): void {
  const availability = wrapperFlags();
  if ('problem' in availability) throw new Error(`the netns backend cannot run here: ${availability.problem}`);
}
