/** Plugins that take no arguments and no block: any, whoami, minimal. */
import type { PluginValidator } from '../context.js';

/** any (plugin/any/setup.go). */
export const validateAny: PluginValidator = (ctx) => {
  const c = ctx.c;
  c.next();
  if (c.nextArg()) throw c.argErr();
  if (c.nextBlock()) throw c.err(`unknown property '${c.val()}'`);
};

/** whoami and minimal: `c.Next(); if c.NextArg() → ArgErr`. */
export const validateNoArgs: PluginValidator = (ctx) => {
  const c = ctx.c;
  c.next();
  if (c.nextArg()) throw c.argErr();
};
