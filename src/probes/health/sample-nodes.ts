/**
 * Which nodes measure latency and loss: one per zone (zones with workload pods first, then the
 * others), preferring a node that runs workload pods, at most `max`.
 */
import type { NodeFacts } from '../../core/model/index.js';

/**
 * Picks sample nodes.
 * @param podsPerNode - running workload pods per node name
 */
export function pickSampleNodes(nodes: NodeFacts[], podsPerNode: Record<string, number>, max: number): NodeFacts[] {
  const byZone = new Map<string, NodeFacts[]>();
  for (const n of nodes) {
    const z = n.zone ?? '';
    byZone.set(z, [...(byZone.get(z) ?? []), n]);
  }
  const pods = (n: NodeFacts) => podsPerNode[n.name] ?? 0;
  const best = [...byZone.values()].map((list) => [...list].sort((a, b) => pods(b) - pods(a) || a.name.localeCompare(b.name))[0]!);
  return best.sort((a, b) => pods(b) - pods(a) || (a.zone ?? '').localeCompare(b.zone ?? '')).slice(0, Math.max(0, max));
}
