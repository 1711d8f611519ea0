/**
 * file: `file DBFILE [ZONES...] { reload DUR | reload_by_mtime | fallthrough [ZONES...] | upstream }`
 * (plugin/file/setup.go). The zone file is on the CoreDNS pod: a missing one is only a warning here
 * (CoreDNS itself only warns unless `reload 0`).
 */
import { CorefileError } from '../../errors.js';
import type { PluginValidator } from '../context.js';
import { parseDuration } from '../go.js';

export const validateFile: PluginValidator = (ctx) => {
  const c = ctx.c;
  while (c.next()) {
    if (!c.nextArg()) throw c.argErr();
    const file = c.val();
    const pos = c.pos();
    c.remainingArgs();
    let reloadZero = false;
    while (c.nextBlock()) {
      switch (c.val()) {
        case 'fallthrough':
        case 'upstream':
          c.remainingArgs();
          break;
        case 'reload': {
          const t = c.remainingArgs();
          if (t.length < 1) throw c.err('reload duration value is expected');
          try {
            reloadZero = parseDuration(t[0]) === 0;
          } catch (e) {
            throw c.err((e as Error).message);
          }
          break;
        }
        case 'reload_by_mtime':
          if (!ctx.atLeast('1.14.4')) throw c.err(`unknown property '${c.val()}'`);
          break;
        default:
          throw c.err(`unknown property '${c.val()}'`);
      }
    }
    if (reloadZero && ctx.files && file.startsWith('/') && ctx.readPodFile(file) === undefined) {
      // With reload 0 CoreDNS refuses to start without the zone file.
      throw new CorefileError(`open ${file}: no such file or directory`, pos, 'file');
    }
    ctx.podFile(file, 'zone file', pos);
  }
};
