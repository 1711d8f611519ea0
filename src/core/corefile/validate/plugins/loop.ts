/** loop: no arguments, once per block (plugin/loop/setup.go). */
import type { PluginValidator } from '../context.js';

export const validateLoop: PluginValidator = (ctx) => {
  const c = ctx.c;
  let i = 0;
  while (c.next()) {
    if (i++ > 0) throw ctx.errOnce();
    if (c.nextArg()) throw c.argErr();
  }
};
