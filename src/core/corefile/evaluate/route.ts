/**
 * Query → server block selection (coredns core/dnsserver/server.go ServeDNS): longest zone by label,
 * views in Corefile order with fallback to shorter zones, plugin-less blocks REFUSED, the DS rule,
 * the root zone last, REFUSED when nothing matches. Routing happens once, before any plugin runs.
 */
import type { CorefileModel, ServerBlockNode, ZoneAddress } from '../model.js';
import { suffixes } from './names.js';
import { passesView, viewOf } from './view-filter.js';
import type { EvalWorld, Req, ViewConsidered } from './types.js';

/** The block config chosen for a query (or the server's own reply), with the views considered. */
export interface RouteResult {
  block: ServerBlockNode | null;
  address: ZoneAddress | null;
  view: string | null;
  viewsConsidered: ViewConsidered[];
  /** Set when the server replies without running a chain. */
  serverRcode?: 'REFUSED' | 'SERVFAIL';
  steps: string[];
}

interface Config { block: ServerBlockNode; address: ZoneAddress }

const listenerCache = new WeakMap<CorefileModel, Map<string, Map<string, Config[]>>>();

/** Blocks and their addresses on one listener, grouped by zone in Corefile order (cached per model). */
function zonesOnListener(model: CorefileModel, transport: string, port: number): Map<string, Config[]> {
  let byListener = listenerCache.get(model);
  if (!byListener) { byListener = new Map(); listenerCache.set(model, byListener); }
  const key = `${transport}:${port}`;
  const hit = byListener.get(key);
  if (hit) return hit;
  const zones = new Map<string, Config[]>();
  byListener.set(key, zones);
  for (const block of model.blocks) {
    for (const address of block.addresses) {
      if (address.transport !== transport || address.port !== port) continue;
      const list = zones.get(address.zone) ?? [];
      list.push({ block, address });
      zones.set(address.zone, list);
    }
  }
  return zones;
}

function isPluginless(block: ServerBlockNode): boolean {
  return block.directives.length === 0;
}

/** Picks the server block config that serves `req` on its listener. */
export function route(model: CorefileModel, req: Req, world: EvalWorld): RouteResult {
  const steps: string[] = [];
  const viewsConsidered: ViewConsidered[] = [];
  const zones = zonesOnListener(model, req.transport, req.serverPort);
  const listener = `${req.transport}://:${req.serverPort}`;
  if (zones.size === 0) {
    steps.push(`No server block listens on ${listener}; the query is not answered there (REFUSED by any other listener).`);
    return { block: null, address: null, view: null, viewsConsidered, serverRcode: 'REFUSED', steps };
  }
  if (req.class !== 'IN') {
    const chaosOk = [...zones.values()].flat().some((c) => c.block.directives.some((d) => ['chaos', 'forward', 'proxy'].includes(d.name)));
    if (!chaosOk) {
      steps.push(`Class ${req.class} is refused: no block on ${listener} loads chaos or forward.`);
      return { block: null, address: null, view: null, viewsConsidered, serverRcode: 'REFUSED', steps };
    }
  }
  const tryConfig = (c: Config): 'refused' | 'pass' | 'fail' => {
    if (isPluginless(c.block)) return 'refused';
    const view = viewOf(c.block);
    if (!view) return 'pass';
    const r = passesView(view, req, world, c.block);
    viewsConsidered.push({ block: c.block.index, view: view.name, matched: r.matched, reason: r.reason });
    steps.push(`View "${view.name}" of block ${c.block.index} (line ${c.block.pos.line}) ${r.matched ? 'matches' : 'does not match'}: ${r.reason}.`);
    return r.matched ? 'pass' : 'fail';
  };
  const chosen = (c: Config, why: string): RouteResult => {
    steps.push(why);
    return { block: c.block, address: c.address, view: viewOf(c.block)?.name ?? null, viewsConsidered, steps };
  };
  let ds: Config | null = null;
  for (const suffix of suffixes(req.name)) {
    const configs = zones.get(suffix);
    if (!configs) continue;
    for (const c of configs) {
      const verdict = tryConfig(c);
      if (verdict === 'refused') {
        steps.push(`Zone ${suffix} on ${listener} is served by block ${c.block.index} (line ${c.block.pos.line}) which has no plugins: REFUSED.`);
        return { block: c.block, address: c.address, view: null, viewsConsidered, serverRcode: 'REFUSED', steps };
      }
      if (verdict !== 'pass') continue;
      if (req.type !== 'DS') {
        return chosen(c, `Longest matching zone on ${listener} is ${suffix}: block ${c.block.index} (keys ${c.block.keys.map((k) => k.text).join(' ')}, line ${c.block.pos.line}).`);
      }
      ds = c; // DS: keep searching towards the parent; the shortest matching zone wins.
    }
    if (configs.length > 0 && req.type !== 'DS') steps.push(`Zone ${suffix} exists on ${listener} but none of its blocks took the query; trying shorter zones.`);
  }
  if (ds) return chosen(ds, `DS query: the shortest matching zone ${ds.address.zone} answers (parent side), block ${ds.block.index}.`);
  for (const c of zones.get('.') ?? []) {
    if (isPluginless(c.block)) continue;
    if (tryConfig(c) === 'pass') {
      return chosen(c, `No more specific zone took the query; root zone . on ${listener}: block ${c.block.index} (keys ${c.block.keys.map((k) => k.text).join(' ')}, line ${c.block.pos.line}).`);
    }
  }
  steps.push(`No server block on ${listener} serves ${req.name}: REFUSED.`);
  return { block: null, address: null, view: null, viewsConsidered, serverRcode: 'REFUSED', steps };
}
