/** local: `local { localhost_prefix on|off }` (plugin/local/setup.go). */
import type { PluginValidator } from '../context.js';

export const validateLocal: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    if (c.remainingArgs().length !== 0) throw c.argErr();
    while (c.nextBlock()) {
      if (c.val() !== 'localhost_prefix') throw c.err(`unknown property '${c.val()}'`);
      const a = c.remainingArgs();
      if (a.length !== 1) throw c.argErr();
      if (a[0] !== 'on' && a[0] !== 'off') throw c.err(`localhost_prefix expects 'on' or 'off', got "${a[0]}"`);
    }
  }
};
