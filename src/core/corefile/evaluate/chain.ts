/**
 * A server block's plugin chain in plugin.cfg order, and the runner that walks it. The runner is
 * synchronous and shared by explain() and CorefileServer: it stops at the first plugin that answers,
 * forwards or drops, and hands back the post-processing hooks (cache store, rewrite restore,
 * loadbalance) of the plugins it passed, so each caller only decides what to do about forwarding.
 */
import type { CorefileModel, DirectiveNode, ServerBlockNode } from '../model.js';
import { parseCacheConfig, type CacheConfig } from './cache-policy.js';
import { pluginRank } from './plugin-order.js';
import { passivePlugins, pluginFactories } from './plugins/registry.js';
import type { BlockContext } from './plugins/common.js';
import type { ChainContext, EvalWorld, ForwardPlan, Outcome, PluginInstance, PostHook, Req, Res } from './types.js';

/** A block's plugin instances in execution order. */
export interface Chain {
  block: ServerBlockNode;
  /** Directive names in execution order (each name once). */
  names: string[];
  instances: PluginInstance[];
  /** Notes about the chain itself (plugins not modelled). */
  notes: string[];
  /** Zones of the block's keys. */
  zones: string[];
  /** The block's cache settings, or null without a cache plugin. */
  cache: CacheConfig | null;
}

/** Builds the chain of `block`. */
export function buildChain(block: ServerBlockNode, world: EvalWorld): Chain {
  const byName = new Map<string, DirectiveNode[]>();
  for (const d of block.directives) {
    const list = byName.get(d.name) ?? [];
    list.push(d);
    byName.set(d.name, list);
  }
  const names = [...byName.keys()].sort((a, b) => pluginRank(a) - pluginRank(b));
  const ctx: BlockContext = { block, zones: [...new Set(block.addresses.map((a) => a.zone))], world };
  const instances: PluginInstance[] = [];
  const notes: string[] = [];
  for (const name of names) {
    const factory = pluginFactories[name];
    if (factory) {
      instances.push(...factory(byName.get(name)!, ctx));
    } else if (!passivePlugins.has(name)) {
      const d = byName.get(name)![0]!;
      notes.push(`${name} (line ${d.pos.line}) is not modelled by the evaluator; it is treated as passing every query on.`);
      instances.push({ name, line: d.pos.line, serve: () => ({ kind: 'next', note: `${name}: not modelled, assumed to pass the query on.` }) });
    }
  }
  const cacheDir = byName.get('cache')?.[0];
  return { block, names, instances, notes, zones: ctx.zones, cache: cacheDir ? parseCacheConfig(cacheDir, ctx) : null };
}

const chainCache = new WeakMap<CorefileModel, WeakMap<EvalWorld, Map<number, Chain>>>();

/** Chains are pure functions of (model, world); cache them for repeated queries. */
export function chainFor(model: CorefileModel, block: ServerBlockNode, world: EvalWorld): Chain {
  let byWorld = chainCache.get(model);
  if (!byWorld) { byWorld = new WeakMap(); chainCache.set(model, byWorld); }
  let m = byWorld.get(world);
  if (!m) { m = new Map(); byWorld.set(world, m); }
  let c = m.get(block.index);
  if (!c) { c = buildChain(block, world); m.set(block.index, c); }
  return c;
}

/** A post hook and the request as it was when its plugin passed it on. */
export interface PostEntry { hook: PostHook; req: Req }

/** Where a walk stopped. */
export type WalkResult =
  | { kind: 'answer'; res: Res; plugin: string; index: number; req: Req; posts: PostEntry[]; chase?: { name: string; type: string }; refresh?: PostHook }
  | { kind: 'forward'; plan: ForwardPlan; index: number; req: Req; posts: PostEntry[] }
  | { kind: 'drop'; plugin: string; posts: PostEntry[]; req: Req }
  | { kind: 'search'; candidates: string[]; index: number; req: Req; posts: PostEntry[] }
  | { kind: 'end'; req: Req; posts: PostEntry[] };

/** Walks `chain` from instance `from` with `req`; notes go to ctx.notes. */
export function walk(chain: Chain, req: Req, ctx: ChainContext, from = 0, posts: PostEntry[] = []): WalkResult {
  let cur = req;
  for (let i = from; i < chain.instances.length; i++) {
    const p = chain.instances[i]!;
    const o: Outcome = p.serve(cur, ctx);
    // Names end in a dot; keep sentences from ending in two.
    if (o.note) ctx.notes.push(o.note.replace(/\.\.$/, '.'));
    switch (o.kind) {
      case 'next':
        if (o.post) posts.push({ hook: o.post, req: o.req ?? cur });
        if (o.req) cur = o.req;
        continue;
      case 'answer':
        return { kind: 'answer', res: o.res, plugin: p.name, index: i, req: cur, posts, ...(o.chase ? { chase: o.chase } : {}), ...(o.refresh ? { refresh: o.refresh } : {}) };
      case 'forward':
        return { kind: 'forward', plan: o.plan, index: i, req: cur, posts };
      case 'drop':
        return { kind: 'drop', plugin: p.name, posts, req: cur };
      case 'search':
        return { kind: 'search', candidates: o.candidates, index: i, req: cur, posts };
    }
  }
  return { kind: 'end', req: cur, posts };
}

/** Applies post hooks innermost first. Replies the server writes itself (written=false) skip them. */
export function applyPosts(res: Res, posts: PostEntry[], ctx: ChainContext): Res {
  if (!res.written) return res;
  let out = res;
  for (let i = posts.length - 1; i >= 0; i--) out = posts[i]!.hook(out, posts[i]!.req, ctx);
  return out;
}

/** True when the instance after `index` is another forward (forward `next`/`next_on_nodata` only hand over to one). */
export function nextIsForward(chain: Chain, index: number): boolean {
  return chain.instances[index + 1]?.name === 'forward';
}
