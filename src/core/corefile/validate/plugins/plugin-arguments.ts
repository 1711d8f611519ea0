/**
 * Argument helpers shared by several plugins' setup functions: the optional listen address of
 * health, ready and prometheus, and the `ttl` option of kubernetes and k8s_external.
 */
import type { Dispenser } from '../../dispenser.js';
import { GoError, atoi, splitHostPort } from '../go.js';

/** net.SplitHostPort or an error at the current token. */
export function splitOrThrow(ctx: { c: { err(m: string): Error } }, addr: string): void {
  try {
    splitHostPort(addr);
  } catch (e) {
    throw ctx.c.err((e as GoError).message);
  }
}

/** `PLUGIN [ADDRESS]`: at most one argument, a host:port when given. */
export function optionalListenAddress(ctx: { c: Dispenser }): void {
  const args = ctx.c.remainingArgs();
  if (args.length > 1) throw ctx.c.argErr();
  if (args.length === 1) splitOrThrow(ctx, args[0]);
}

/** `ttl SECONDS` inside a block: a whole number from 0 to 3600 (the kubernetes and k8s_external rule). */
export function ttlOption(c: Dispenser): void {
  const a = c.remainingArgs();
  if (a.length === 0) throw c.argErr();
  const t = atoi(a[0]);
  if (t === undefined) throw c.err(`strconv.Atoi: parsing ${JSON.stringify(a[0])}: invalid syntax`);
  if (t < 0 || t > 3600) throw c.err(`ttl must be in range [0, 3600]: ${t}`);
}
