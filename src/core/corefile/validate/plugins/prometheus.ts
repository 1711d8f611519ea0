/** prometheus: `prometheus [ADDRESS] { runtime_metrics | tls CONFIG }` (plugin/metrics/setup.go), once per block. */
import type { PluginValidator } from '../context.js';
import { optionalListenAddress } from './plugin-arguments.js';

export const validatePrometheus: PluginValidator = (ctx) => {
  const c = ctx.c;
  let i = 0;
  while (c.next()) {
    if (i++ > 0) throw ctx.errOnce();
    optionalListenAddress(ctx);
    let tls = false;
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'runtime_metrics':
          if (!ctx.atLeast('1.14.3')) throw c.err(`unknown option: ${c.val()}`);
          if (c.remainingArgs().length !== 0) throw c.argErr();
          break;
        case 'tls': {
          if (!ctx.atLeast('1.14.3')) throw c.err(`unknown option: ${c.val()}`);
          if (tls) throw c.err('tls block already specified');
          tls = true;
          if (c.remainingArgs().length !== 1) throw c.argErr();
          break;
        }
        default:
          throw c.err(`unknown option: ${c.val()}`);
      }
    }
  }
};
