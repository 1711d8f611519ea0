/** cache: `cache [TTL] [ZONES...] { success|denial|prefetch|serve_stale|serve_stale_policy|servfail|disable|keepttl }` (plugin/cache/setup.go). */
import type { PluginContext, PluginValidator } from '../context.js';
import { GoError, atoi, parseDuration, second } from '../go.js';

const minute = 60 * second;

export const validateCache: PluginValidator = (ctx) => {
  const c = ctx.c;
  let j = 0;
  while (c.next()) {
    if (j++ > 0) throw ctx.errOnce();
    const args = c.remainingArgs();
    if (args.length > 0) {
      const ttl = atoi(args[0]);
      if (ttl !== undefined && ttl <= 0) throw c.err(`cache TTL can not be zero or negative: ${ttl}`);
    }
    let serveStale = false;
    let policy = false;
    while (c.nextBlock()) {
      const opt = c.val();
      switch (opt) {
        case 'success':
        case 'denial':
          capacityTtl(ctx);
          break;
        case 'prefetch':
          prefetch(ctx);
          break;
        case 'serve_stale':
          if (!ctx.atLeast('1.6.6')) throw c.argErr();
          serveStale = true;
          serveStaleArgs(ctx);
          break;
        case 'serve_stale_policy': {
          if (!ctx.atLeast('1.14.7')) throw c.argErr();
          if (policy) throw c.err('serve_stale_policy can only be specified once');
          policy = true;
          const a = c.remainingArgs();
          if (a.length !== 1) throw c.argErr();
          if (a[0].toLowerCase() !== 'prefer_positive') throw c.err(`invalid serve_stale_policy: ${a[0]}`);
          break;
        }
        case 'servfail': {
          if (!ctx.atLeast('1.9.4')) throw c.argErr();
          const a = c.remainingArgs();
          if (a.length !== 1) throw c.argErr();
          const d = dur(ctx, a[0]);
          if (d < 0) throw c.err('invalid negative ttl for servfail');
          if (d > 5 * minute) throw c.err('caching SERVFAIL responses over 5 minutes is not permitted');
          break;
        }
        case 'disable': {
          if (!ctx.atLeast('1.9.4')) throw c.argErr();
          const a = c.remainingArgs();
          if (a.length < 1) throw c.argErr();
          if (a[0] !== 'denial' && a[0] !== 'success') throw c.err('cache type for disable must be "success" or "denial"');
          break;
        }
        case 'keepttl':
          if (!ctx.atLeast('1.10.1')) throw c.argErr();
          if (c.remainingArgs().length !== 0) throw c.argErr();
          break;
        default:
          throw c.argErr();
      }
    }
    if (policy && !serveStale) throw c.err('serve_stale_policy requires serve_stale');
  }
};

function dur(ctx: PluginContext, s: string, prefix = ''): number {
  try {
    return parseDuration(s);
  } catch (e) {
    throw ctx.c.err(prefix + (e as GoError).message);
  }
}

function int(ctx: PluginContext, s: string): number {
  const n = atoi(s);
  if (n === undefined) throw ctx.c.err(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return n;
}

function capacityTtl(ctx: PluginContext): void {
  const c = ctx.c;
  const a = c.remainingArgs();
  if (a.length === 0) throw c.argErr();
  int(ctx, a[0]);
  if (a.length > 1) {
    const ttl = int(ctx, a[1]);
    if (ttl <= 0) throw c.err(`cache TTL can not be zero or negative: ${ttl}`);
    if (a.length > 2) {
      const min = int(ctx, a[2]);
      if (min < 0) throw c.err(`cache min TTL can not be negative: ${min}`);
    }
  }
}

function prefetch(ctx: PluginContext): void {
  const c = ctx.c;
  const a = c.remainingArgs();
  if (a.length === 0 || a.length > 3) throw c.argErr();
  const amount = int(ctx, a[0]);
  if (amount < 0) throw c.err(`prefetch amount should be positive: ${amount}`);
  if (a.length > 1) dur(ctx, a[1]);
  if (a.length > 2) {
    const pct = a[2];
    if (!pct.endsWith('%')) throw c.err(`last character of percentage should be \`%\`, but is: '${pct.slice(-1)}'`);
    const num = int(ctx, pct.slice(0, -1));
    if (num < 10 || num > 90) throw c.err(`percentage should fall in range [10, 90]: ${num}`);
  }
}

function serveStaleArgs(ctx: PluginContext): void {
  const c = ctx.c;
  const a = c.remainingArgs();
  if (a.length > 5) throw c.argErr();
  if (a.length > 0 && dur(ctx, a[0]) < 0) throw c.err('invalid negative duration for serve_stale');
  let verify = false;
  if (a.length > 1) {
    const mode = a[1].toLowerCase();
    if (mode !== 'immediate' && mode !== 'verify') throw c.err(`invalid value for serve_stale refresh mode: ${mode}`);
    verify = mode === 'verify';
  }
  if (a.length <= 2) return;
  if (verify) {
    const t = dur(ctx, a[2], 'invalid serve_stale verify timeout: ');
    if (t < 0) throw c.err('invalid negative timeout for serve_stale verify');
    if (a.length > 3) staleTtl(ctx, a[3]);
    if (a.length > 4) recheck(ctx, a[4]);
  } else {
    if (a.length > 4) throw c.argErr();
    staleTtl(ctx, a[2]);
    if (a.length > 3) recheck(ctx, a[3]);
  }
}

function staleTtl(ctx: PluginContext, v: string): void {
  const t = dur(ctx, v, 'invalid serve_stale response TTL: ');
  if (t < 0) throw ctx.c.err('invalid negative response TTL for serve_stale');
  if (t % second !== 0) throw ctx.c.err('serve_stale response TTL must be a whole number of seconds');
  if (t / second > 4294967295) throw ctx.c.err('serve_stale response TTL exceeds the DNS TTL range');
}

function recheck(ctx: PluginContext, v: string): void {
  const t = dur(ctx, v, 'invalid serve_stale failure recheck: ');
  if (t < 0) throw ctx.c.err('invalid negative failure recheck for serve_stale');
  if (t > 5 * minute) throw ctx.c.err('serve_stale failure recheck cannot exceed 5 minutes');
}
