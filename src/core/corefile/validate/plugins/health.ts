/** health: `health [ADDRESS] { lameduck DURATION }` (plugin/health/setup.go). Repeats: the last wins. */
import type { PluginValidator } from '../context.js';
import { GoError, parseDuration } from '../go.js';
import { optionalListenAddress } from './plugin-arguments.js';

export const validateHealth: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    optionalListenAddress(ctx);
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
