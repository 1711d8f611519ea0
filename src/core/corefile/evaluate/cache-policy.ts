/**
 * cache TTL rules (coredns plugin/cache setup.go, cache.go; plugin/pkg/dnsutil/ttl.go): stored duration =
 * clamp(min RR TTL, MINTTL, MAXTTL); negative answers use the SOA RR's own TTL; `cache N` caps both
 * success and denial at N; a reply without RRs keeps 5 s; SERVFAIL kept for `servfail` (5 s); NXDOMAIN
 * without SOA, truncated and other errors are not cached; `disable success|denial ZONES`.
 */
import type { DirectiveNode } from '../model.js';
import { atLeast } from '../version.js';
import { matchZone } from './names.js';
import { normalizeZones, type BlockContext } from './plugins/common.js';
import type { Res } from './types.js';

/** A block's cache settings (durations in seconds). */
export interface CacheConfig {
  zones: string[];
  successMax: number;
  successMin: number;
  denialMax: number;
  denialMin: number;
  servfail: number;
  disableSuccess: string[] | null;
  disableDenial: string[] | null;
  keepTtl: boolean;
  /** serve_stale window in seconds (0 = off) and mode; `verify` is not modelled (treated as off). */
  staleSeconds: number;
  staleMode: 'immediate' | 'verify';
  /** CoreDNS version (caching of SOA-less NXDOMAIN changed in 1.14.5). */
  version?: string;
  line: number;
}

/** Reads a `cache` directive. */
export function parseCacheConfig(d: DirectiveNode, ctx: BlockContext): CacheConfig {
  const args = d.args.map((t) => t.text);
  const cfg: CacheConfig = {
    zones: [...ctx.zones], successMax: 3600, successMin: 5, denialMax: 1800, denialMin: 5, servfail: 5,
    disableSuccess: null, disableDenial: null, keepTtl: false, staleSeconds: 0, staleMode: 'immediate', line: d.pos.line,
    ...(ctx.world.corednsVersion ? { version: ctx.world.corednsVersion } : {}),
  };
  let rest = args;
  if (args[0] !== undefined && /^\d+$/.test(args[0])) {
    cfg.successMax = cfg.denialMax = Number(args[0]);
    rest = args.slice(1);
  }
  if (rest.length > 0) cfg.zones = normalizeZones(rest);
  for (const l of d.block ?? []) {
    const a = l.args.map((t) => t.text);
    const num = (i: number) => (a[i] !== undefined && /^\d+$/.test(a[i]!) ? Number(a[i]) : undefined);
    if (l.name === 'success' || l.name === 'denial') {
      const max = num(1);
      const min = num(2);
      if (l.name === 'success') { if (max !== undefined) cfg.successMax = max; if (min !== undefined) cfg.successMin = min; }
      else { if (max !== undefined) cfg.denialMax = max; if (min !== undefined) cfg.denialMin = min; }
    } else if (l.name === 'servfail') {
      const m = /^(\d+)(ms|s|m|h)?$/.exec(a[0] ?? '');
      if (m) cfg.servfail = Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2] ?? 's']!;
    } else if (l.name === 'disable') {
      const zones = a.length > 1 ? normalizeZones(a.slice(1)) : [...cfg.zones];
      if (a[0] === 'success') cfg.disableSuccess = zones;
      if (a[0] === 'denial') cfg.disableDenial = zones;
    } else if (l.name === 'serve_stale') {
      const m = /^(\d+)(ms|s|m|h)?$/.exec(a[0] ?? '');
      cfg.staleSeconds = m ? Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2] ?? 's']! : 3600;
      cfg.staleMode = a.includes('verify') ? 'verify' : 'immediate';
    } else if (l.name === 'keepttl') {
      cfg.keepTtl = true;
    }
  }
  return cfg;
}

/** How the cache classifies a reply. */
export type ReplyKind = 'success' | 'denial' | 'servfail' | 'other';

/** response.Typify, reduced to what caching needs. */
export function classify(res: Res): ReplyKind {
  if (res.rcode === 'NOERROR') return res.answers.length > 0 ? 'success' : 'denial';
  if (res.rcode === 'NXDOMAIN') return 'denial';
  if (res.rcode === 'SERVFAIL') return 'servfail';
  return 'other';
}

/** Decision for one reply: cache or not, for how long, and why. */
export interface CacheDecision {
  cache: boolean;
  ttl: number;
  note: string;
}

function minimalTtl(res: Res, kind: ReplyKind): number {
  if (kind === 'denial') {
    const soa = res.authority.find((r) => r.type === 'SOA');
    if (soa) return soa.ttl;
  }
  const all = [...res.answers, ...res.authority, ...res.additional];
  if (all.length === 0) return 5;
  return Math.min(3600, ...all.map((r) => r.ttl));
}

/** What cache `cfg` does with reply `res` to `name`. */
export function cacheDecision(cfg: CacheConfig, name: string, res: Res): CacheDecision {
  if (matchZone(cfg.zones, name) === '') return { cache: false, ttl: 0, note: `cache (line ${cfg.line}) only covers ${cfg.zones.join(' ')}; not cached` };
  if (!res.written) return { cache: false, ttl: 0, note: `the ${res.rcode} is written by the server, not through the cache: not cached` };
  if (res.tc) return { cache: false, ttl: 0, note: 'truncated replies are not cached' };
  const kind = classify(res);
  if (kind === 'other') return { cache: false, ttl: 0, note: `${res.rcode} replies are not cached` };
  if (kind === 'servfail') {
    return cfg.servfail > 0
      ? { cache: true, ttl: cfg.servfail, note: `SERVFAIL cached for ${cfg.servfail}s (servfail setting)` }
      : { cache: false, ttl: 0, note: 'servfail caching is off' };
  }
  if (kind === 'denial' && res.rcode === 'NXDOMAIN' && !res.authority.some((r) => r.type === 'SOA') && atLeast(cfg.version, '1.14.5')) {
    return { cache: false, ttl: 0, note: 'NXDOMAIN without SOA is not cached (CoreDNS ≥1.14.5)' };
  }
  const disabled = kind === 'success' ? cfg.disableSuccess : cfg.disableDenial;
  if (disabled && matchZone(disabled, name) !== '') return { cache: false, ttl: 0, note: `\`disable ${kind}\` covers ${name}: not cached` };
  const msgTtl = minimalTtl(res, kind);
  const [min, max] = kind === 'success' ? [cfg.successMin, cfg.successMax] : [cfg.denialMin, cfg.denialMax];
  const ttl = Math.min(Math.max(msgTtl, min), max);
  const basis = kind === 'denial' && res.authority.some((r) => r.type === 'SOA') ? 'the SOA record TTL' : 'the smallest record TTL';
  return { cache: true, ttl, note: `${kind === 'success' ? 'positive' : 'negative'} answer cached for ${ttl}s (${basis} ${msgTtl}s clamped to [${min}, ${max}])` };
}

/** The cache key (per block): DO and CD bits, qtype, qclass, lower-case name (CoreDNS hashes the same, plugin/cache key()). */
export function cacheKey(name: string, type: string, cls: string, dnssecOk: boolean, checkingDisabled = false): string {
  return `${dnssecOk ? 1 : 0}${checkingDisabled ? 1 : 0}|${type}|${cls}|${name}`;
}
