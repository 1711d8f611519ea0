/** hosts: `hosts [FILE [ZONES...]] { INLINE | ttl | no_reverse | reload | fallthrough | fallthrough_unsupported }` (plugin/hosts/setup.go). */
import type { PluginValidator } from '../context.js';
import { atoi, parseDuration } from '../go.js';

export const validateHosts: PluginValidator = (ctx) => {
  const c = ctx.c;
  let i = 0;
  let fall = false;
  let fallUnsupported = false;
  while (c.next()) {
    if (i++ > 0) throw ctx.errOnce();
    const args = c.remainingArgs();
    if (args.length >= 1) {
      // The first argument is always the file; CoreDNS only logs a missing one (inline entries still answer).
      ctx.podFile(args[0], 'hosts file');
    }
    while (c.nextBlock()) {
      const v = c.val();
      switch (v) {
        case 'fallthrough':
          c.remainingArgs();
          fall = true;
          break;
        case 'no_reverse':
          break;
        case 'ttl': {
          const r = c.remainingArgs();
          if (r.length < 1) throw c.err('ttl needs a time in second');
          const ttl = atoi(r[0]);
          if (ttl === undefined) throw c.err('ttl needs a number of second');
          if (ttl <= 0 || ttl > 65535) throw c.err('ttl provided is invalid');
          break;
        }
        case 'reload': {
          const r = c.remainingArgs();
          if (r.length !== 1) throw c.err('reload needs a duration (zero seconds to disable)');
          let d: number;
          try {
            d = parseDuration(r[0]);
          } catch {
            throw c.err(`invalid duration for reload '${r[0]}'`);
          }
          if (d < 0) throw c.err(`invalid negative duration for reload '${r[0]}'`);
          break;
        }
        default:
          if (v === 'fallthrough_unsupported' && ctx.atLeast('1.14.7')) {
            if (c.remainingArgs().length !== 0) throw c.argErr();
            fallUnsupported = true;
            break;
          }
          // Before `fallthrough`, any other line is an inline hosts entry (silently ignored if not IP-led).
          if (!fall) {
            c.remainingArgs();
            continue;
          }
          throw c.err(`unknown property '${v}'`);
      }
    }
  }
  if (fallUnsupported && !fall) throw c.err('fallthrough_unsupported requires fallthrough');
};
