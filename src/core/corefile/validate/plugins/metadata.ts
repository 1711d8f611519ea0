/** metadata: `metadata [ZONES...]`, no block, once (plugin/metadata/setup.go). */
import type { PluginValidator } from '../context.js';

export const validateMetadata: PluginValidator = (ctx) => {
  const c = ctx.c;
  c.next();
  c.remainingArgs();
  if (c.nextBlock() || c.next()) throw c.argErr();
};
