/** header: `header { query|response set|clear FLAGS... }` (plugin/header/setup.go). */
import type { PluginValidator } from '../context.js';

const flags = new Set(['aa', 'ra', 'rd']);

export const validateHeader: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    let rules = 0;
    while (c.nextBlock()) {
      const selector = c.val().toLowerCase();
      if (selector !== 'query' && selector !== 'response') {
        throw c.err(`setting up rule: invalid selector=${selector} should be query or response`);
      }
      const action = c.nextArg() ? c.val() : '';
      const args = c.remainingArgs();
      if (action === '') throw c.err('setting up rule: no flag action provided');
      if (args.length < 1) throw c.err('setting up rule: invalid length for flags, at least one should be provided');
      const a = action.toLowerCase();
      if (a !== 'set' && a !== 'clear') throw c.err(`setting up rule: unknown flag action=${a}, should be set or clear`);
      for (const f of args) if (!flags.has(f.toLowerCase())) throw c.err(`setting up rule: unknown/unsupported flag=${f.toLowerCase()}`);
      rules += args.length;
    }
    if (rules > 0) return;
  }
  throw c.argErr();
};
