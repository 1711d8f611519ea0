/** errors: `errors [stdout] { stacktrace | consolidate DUR REGEXP [LEVEL] [show_first] }` (plugin/errors/setup.go). */
import type { PluginValidator } from '../context.js';
import { GoError, parseDuration, regexpError } from '../go.js';

const levels = new Set(['warning', 'error', 'info', 'debug']);

export const validateErrors: PluginValidator = (ctx) => {
  const c = ctx.c;
  let i = 0;
  while (c.next()) {
    if (i++ > 0) throw ctx.errOnce();
    const args = c.remainingArgs();
    if (args.length === 1 && args[0] !== 'stdout') throw c.err(`invalid log file: ${args[0]}`);
    if (args.length > 1) throw c.argErr();
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'stacktrace':
          if (!ctx.atLeast('1.9.3')) throw c.syntaxErr(`Unknown field ${c.val()}`);
          break;
        case 'consolidate': {
          if (!ctx.atLeast('1.2.6')) throw c.syntaxErr(`Unknown field ${c.val()}`);
          const a = c.remainingArgs();
          if (a.length < 2 || a.length > 4) throw c.argErr();
          try {
            parseDuration(a[0]);
          } catch (e) {
            throw c.err((e as GoError).message);
          }
          if (a[1].length > 10000) throw c.err(`regex pattern too long: ${a[1].length} > 10000`);
          const re = regexpError(a[1]);
          if (re) throw c.err(re);
          let level = false;
          let showFirst = false;
          for (const opt of a.slice(2)) {
            if (levels.has(opt)) {
              if (level) throw c.err('multiple log levels specified in consolidate');
              if (showFirst) throw c.err('log level must come before show_first in consolidate');
              level = true;
            } else if (opt === 'show_first' && ctx.atLeast('1.14.0')) showFirst = true;
            else throw c.err(`unknown option in consolidate: ${opt}`);
          }
          break;
        }
        default:
          throw c.syntaxErr(`Unknown field ${c.val()}`);
      }
    }
  }
};
