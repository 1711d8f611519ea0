/**
 * The per-zone Corefile fix: a `view` server block that takes queries from the pod CIDRs of every
 * node in the pod's zone and answers the name from a `hosts` block (with fallthrough) with the
 * addresses the zone's own resolver gives; every other client keeps the existing block. Built with
 * EVAL's edit functions and proven with simulateEdit before anyone sees it.
 */
import type { CorefilePatchFix } from '../../core/model/index.js';
import type { Facts } from './facts.js';

/** The pod CIDRs of all nodes in the pod's zone (the pod's node alone when zones are unknown). */
export function zoneCidrs(f: Facts): { cidrs: string[]; nodes: string[] } {
  const zone = f.podZone;
  const nodes = zone ? f.nodes.filter((n) => n.zone === zone) : f.nodes.filter((n) => n.name === f.pod.node);
  const withCidr = nodes.filter((n) => n.podCIDR);
  return { cidrs: withCidr.map((n) => n.podCIDR!), nodes: withCidr.map((n) => n.name) };
}

/**
 * A corefile-patch answering `f.name` with `addrs` for clients in the pod's zone, or undefined (with
 * the reason) when it cannot be built or proven.
 */
export function zoneViewFix(_f: Facts, _addrs: string[]): { fix?: CorefilePatchFix; why?: string } {
  // TODO(checks): build with EVAL's addViewBlock + simulateEdit when src/core/corefile/edit lands (~04:15).
  return { why: 'the Corefile edit functions are not available yet' };
}
