/** log: `log [NAMES...] [FORMAT] { class CLASSES... }` (plugin/log/setup.go). */
import type { PluginValidator } from '../context.js';

const classes = new Set(['all', 'success', 'denial', 'error']);

export const validateLog: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    c.remainingArgs();
    while (c.nextBlock()) {
      if (c.val() !== 'class') throw c.err(`unknown property '${c.val()}'`);
      const args = c.remainingArgs();
      if (args.length === 0) throw c.argErr();
      for (const a of args) if (!classes.has(a)) throw c.err(`invalid class '${a}'`);
    }
  }
};
