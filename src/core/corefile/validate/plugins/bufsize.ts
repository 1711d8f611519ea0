/** bufsize: `bufsize [SIZE]`, 512..4096 (plugin/bufsize/setup.go). */
import type { PluginValidator } from '../context.js';
import { atoi } from '../go.js';

export const validateBufsize: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length === 0) return;
    if (args.length > 1) throw c.argErr();
    const n = atoi(args[0]);
    if (n === undefined || n < 512 || n > 4096) throw c.argErr();
    return;
  }
};
