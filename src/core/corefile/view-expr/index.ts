/** The view plugin's expression language (expr-lang/expr subset). */
export { compileViewExpr, joinExprTokens, type CompiledViewExpr } from './compile.js';
export { evaluateViewExpr, inCidr, type ViewExprResult } from './evaluate.js';
export type { ViewEnv } from './env.js';
