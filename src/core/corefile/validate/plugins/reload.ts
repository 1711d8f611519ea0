/** reload: `reload [INTERVAL [JITTER]]` (plugin/reload/setup.go); only the first occurrence is read. */
import type { PluginValidator } from '../context.js';
import { GoError, parseDuration, second } from '../go.js';

export const validateReload: PluginValidator = (ctx) => {
  const c = ctx.c;
  c.next();
  const args = c.remainingArgs();
  if (args.length > 2) throw c.argErr();
  const dur = (s: string) => {
    try {
      return parseDuration(s);
    } catch (e) {
      throw c.err((e as GoError).message);
    }
  };
  const interval = args.length > 0 ? dur(args[0]) : 30 * second;
  if (interval < 2 * second) throw c.err('interval value must be greater or equal to 2s');
  const jitter = args.length > 1 ? dur(args[1]) : 15 * second;
  if (jitter !== 0 && jitter < second) throw c.err('jitter value must be 0 or greater or equal to 1s');
};
