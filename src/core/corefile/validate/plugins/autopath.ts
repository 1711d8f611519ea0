/** autopath: `autopath [ZONES...] RESOLV-CONF|@PLUGIN` (plugin/autopath/setup.go). */
import type { PluginValidator } from '../context.js';

/** Plugins implementing AutoPather. */
const autoPathers = new Set(['kubernetes', 'erratic']);

export const validateAutopath: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length < 1) throw c.err('no resolv-conf specified');
    const resolv = args[args.length - 1];
    if (resolv.startsWith('@')) {
      const mw = resolv.slice(1);
      if (ctx.hasDirective(mw) && !autoPathers.has(mw)) throw c.err(`${mw} does not implement the AutoPather interface`);
      if (!ctx.hasDirective(mw)) ctx.warn(`@${mw}: no ${mw} plugin in this server block, autopath does nothing`);
    } else if (resolv === '') {
      throw c.err('failed to parse "": open : no such file or directory');
    } else {
      ctx.podFile(resolv, 'resolv.conf');
    }
  }
};
