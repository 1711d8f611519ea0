/**
 * cache as a chain member: looks up the block's cache state (server mode) before the plugins below it
 * run, and stores written replies on the way back. explain() has no cache state: it reports a miss and
 * what would be stored.
 */
import type { DirectiveNode } from '../../model.js';
import { cacheDecision, cacheKey, parseCacheConfig } from '../cache-policy.js';
import type { Outcome, PluginInstance, Req, Res } from '../types.js';
import type { BlockContext } from './common.js';

/** Builds the cache plugin (once per block). */
export function cachePlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  const d = directives[0]!;
  const cfg = parseCacheConfig(d, ctx);
  const serve = (req: Req, c: Parameters<PluginInstance['serve']>[1]): Outcome => {
    const key = cacheKey(req.name, req.type, req.class, req.do, req.cd);
    const stale = cfg.staleMode === 'immediate' ? cfg.staleSeconds : 0;
    const hit = c.cacheGet?.(c.block, key, c.now, stale);
    const post = (res: Res, r: Req): Res => {
      if (res.fromCache) return res;
      const dec = cacheDecision(cfg, r.name, res);
      if (!dec.cache) return res;
      const ttled: Res = {
        ...res,
        answers: res.answers.map((x) => ({ ...x, ttl: dec.ttl })),
        authority: res.authority.map((x) => ({ ...x, ttl: dec.ttl })),
        additional: res.additional.map((x) => ({ ...x, ttl: dec.ttl })),
      };
      c.cacheSet?.(c.block, key, ttled, dec.ttl, c.now);
      return ttled;
    };
    if (hit?.stale) {
      // serve_stale (immediate): answer with the expired entry (TTL 0) and refresh it in the background.
      return { kind: 'answer', res: hit, refresh: post, note: `cache (line ${d.pos.line}) serves an expired copy of ${req.name} ${req.type} (serve_stale) and refreshes it.` };
    }
    if (hit) return { kind: 'answer', res: hit, note: `cache (line ${d.pos.line}) has a fresh copy of ${req.name} ${req.type}.` };
    const staleNote = cfg.staleSeconds > 0 ? ` With serve_stale ${cfg.staleMode}, an expired copy is served for up to ${cfg.staleSeconds}s${cfg.staleMode === 'verify' ? ' when the refresh fails (verify is not simulated)' : ' while it is refreshed'}.` : '';
    return { kind: 'next', post, note: c.cacheGet ? `cache (line ${d.pos.line}): miss for ${req.name} ${req.type}.` : staleNote ? `cache (line ${d.pos.line}):${staleNote}` : undefined };
  };
  return [{ name: 'cache', line: d.pos.line, serve }];
}
