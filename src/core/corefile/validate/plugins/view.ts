/** view: `view NAME { expr EXPRESSION }`, once per block (plugin/view/setup.go). */
import { compileViewExpr, joinExprTokens } from '../../view-expr/compile.js';
import type { PluginValidator } from '../context.js';

export const validateView: PluginValidator = (ctx) => {
  const c = ctx.c;
  let i = 0;
  while (c.next()) {
    if (++i > 1) throw ctx.errOnce();
    if (c.remainingArgs().length !== 1) throw c.argErr();
    while (c.nextBlock()) {
      if (c.val() !== 'expr') throw c.err(`unknown property '${c.val()}'`);
      const compiled = compileViewExpr(joinExprTokens(c.remainingArgs()));
      if (!compiled.ok) throw c.err(compiled.error);
    }
  }
};
