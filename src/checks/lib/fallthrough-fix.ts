/**
 * The fallthrough Corefile fix: `fallthrough ZONE` on an authoritative plugin (EVAL's addFallthrough),
 * so names of that zone the plugin does not know go on to forward. Proven with simulateEdit.
 */
import type { CorefilePatchFix } from '../../core/model/index.js';
import type { Facts } from './facts.js';

export function fallthroughFix(_f: Facts, _block: number, _plugin: string, _zone: string, _name: string): { fix?: CorefilePatchFix; why?: string } {
  // TODO(checks): build with EVAL's addFallthrough + simulateEdit when src/core/corefile/edit lands (~04:15).
  return { why: 'the Corefile edit functions are not available yet' };
}
