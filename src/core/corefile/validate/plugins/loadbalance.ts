/** loadbalance: `loadbalance [round_robin | weighted FILE { reload DUR }] { prefer CIDR... }` (plugin/loadbalance/setup.go). */
import type { PluginValidator } from '../context.js';
import { isCidr, parseDuration } from '../go.js';

export const validateLoadbalance: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    const args = c.remainingArgs();
    if (args.length > 0) {
      switch (args[0]) {
        case 'round_robin':
          if (args.length > 1) throw c.err(`unknown property for ${args[0]}`);
          break;
        case 'weighted':
          if (args.length < 2) throw c.err('missing weight file argument');
          if (args.length > 2) throw c.err('unexpected argument(s)');
          while (c.nextBlock()) {
            if (c.val() !== 'reload') throw c.err(`unknown property '${c.val()}'`);
            const t = c.remainingArgs();
            if (t.length < 1) throw c.err('reload duration value is missing');
            if (t.length > 1) throw c.err('unexpected argument');
            try {
              parseDuration(t[0]);
            } catch {
              throw c.err(`invalid reload duration '${t[0]}'`);
            }
          }
          ctx.podFile(args[1], 'weight file');
          break;
        default:
          throw c.err(`unknown policy: ${args[0]}`);
      }
    }
    while (c.nextBlock()) {
      if (c.val() !== 'prefer') throw c.err(`unknown property '${c.val()}'`);
      for (const cidr of c.remainingArgs()) if (!isCidr(cidr)) throw c.err(`invalid CIDR "${cidr}": invalid CIDR address: ${cidr}`);
    }
  }
};
