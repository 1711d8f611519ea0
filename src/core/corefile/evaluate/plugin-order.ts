/**
 * Execution order of plugins: CoreDNS plugin.cfg at HEAD (docs/coredns-semantics.md, "Plugin order"), the same list the
 * parser knows directives by. Corefile order is irrelevant.
 */
import { directiveOrder } from '../directives.js';

export const pluginOrder: readonly string[] = directiveOrder;

const rank = new Map(pluginOrder.map((p, i) => [p, i]));

/** Position of a directive in plugin.cfg (unknown names sort last, keeping their relative order). */
export function pluginRank(name: string): number {
  return rank.get(name) ?? pluginOrder.length;
}
