/** health: `health [ADDRESS] { lameduck DURATION }` (plugin/health/setup.go). Repeats: the last wins. */
import type { PluginValidator } from '../context.js';
import { GoError, parseDuration, splitHostPort } from '../go.js';

export const validateHealth: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length > 1) throw c.argErr();
    if (args.length === 1) splitOrThrow(ctx, args[0]);
    while (c.nextBlock()) {
      if (c.val() !== 'lameduck') throw c.err(`unknown property '${c.val()}'`);
      const a = c.remainingArgs();
      if (a.length !== 1) throw c.argErr();
      try {
        parseDuration(a[0]);
      } catch (e) {
        throw c.err(`unable to parse lameduck duration value: '${a[0]}' : ${(e as GoError).message}`);
      }
    }
  }
};

/** net.SplitHostPort or an error at the current token. */
export function splitOrThrow(ctx: { c: { err(m: string): Error } }, addr: string): void {
  try {
    splitHostPort(addr);
  } catch (e) {
    throw ctx.c.err((e as GoError).message);
  }
}
