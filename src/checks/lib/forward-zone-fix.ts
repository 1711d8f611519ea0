/**
 * The forward-zone Corefile fix: a server block for one zone that forwards only to the given
 * upstreams (EVAL's addForwardZoneBlock), proven with simulateEdit: the name is now forwarded only to
 * resolvers the evidence shows answering it, and a cluster name and an unrelated external name are
 * answered as before.
 */
import type { CorefilePatchFix } from '../../core/model/index.js';
import type { Facts } from './facts.js';

export function forwardZoneFix(_f: Facts, _zone: string, _upstreams: string[], _title: string): { fix?: CorefilePatchFix; why?: string } {
  // TODO(checks): build with EVAL's addForwardZoneBlock + simulateEdit when src/core/corefile/edit lands (~04:15).
  return { why: 'the Corefile edit functions are not available yet' };
}
