/** ready: `ready [ADDRESS] { monitor until-ready|continuously }` (plugin/ready/setup.go), once per block. */
import type { PluginValidator } from '../context.js';
import { optionalListenAddress } from './plugin-arguments.js';

export const validateReady: PluginValidator = (ctx) => {
  const c = ctx.c;
  let i = 0;
  while (c.next()) {
    if (i++ > 0) throw ctx.errOnce();
    optionalListenAddress(ctx);
    while (c.nextBlock()) {
      if (c.val() !== 'monitor' || !ctx.atLeast('1.12.2')) throw c.err(`unknown property '${c.val()}'`);
      const a = c.remainingArgs();
      if (a.length !== 1) throw c.argErr();
      if (a[0] !== 'until-ready' && a[0] !== 'continuously') throw c.err(`monitor type '${a[0]}' not supported`);
    }
  }
};
