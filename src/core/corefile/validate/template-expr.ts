/**
 * Compile-time checks of template `var`/`expr` expressions (expr-lang as CoreDNS compiles them with
 * `expr.Env(varEnv)`): syntax, unknown names, reserved variable names, and `+` on mismatched types.
 * Parsing reuses the view expression grammar (same language, same CoreDNS env plus `group`).
 */
import type { Expression } from '../view-expr/grammar.js';
import { exprParser } from '../view-expr/grammar.js';

export type ExprType = 'int' | 'float' | 'string' | 'bool' | 'any';

/** Functions of CoreDNS's expression env (plugin/pkg/expression) plus the template's `group`, with result types. */
export const templateEnv: ReadonlyMap<string, ExprType> = new Map<string, ExprType>([
  ['incidr', 'bool'], ['metadata', 'string'], ['type', 'string'], ['name', 'string'], ['class', 'string'],
  ['proto', 'string'], ['size', 'int'], ['client_ip', 'string'], ['port', 'string'], ['id', 'int'], ['opcode', 'int'],
  ['do', 'bool'], ['bufsize', 'int'], ['server_ip', 'string'], ['server_port', 'string'], ['group', 'string'],
]);

/** expr-lang builtins (names a variable may not take). */
const builtins = new Set([
  'all', 'none', 'any', 'one', 'filter', 'map', 'find', 'findIndex', 'findLast', 'findLastIndex', 'count', 'sum',
  'groupBy', 'sortBy', 'reduce', 'len', 'type', 'abs', 'ceil', 'floor', 'round', 'int', 'float', 'string', 'trim',
  'trimPrefix', 'trimSuffix', 'upper', 'lower', 'split', 'splitAfter', 'replace', 'repeat', 'indexOf', 'lastIndexOf',
  'hasPrefix', 'hasSuffix', 'max', 'min', 'mean', 'median', 'toJSON', 'fromJSON', 'toBase64', 'fromBase64', 'now',
  'duration', 'date', 'timezone', 'first', 'last', 'get', 'take', 'keys', 'values', 'toPairs', 'fromPairs', 'sort',
  'bitand', 'bitor', 'bitxor', 'bitnand', 'bitnot', 'bitshl', 'bitshr', 'bitushr', 'flatten', 'uniq', 'concat', 'join',
]);
const keywords = new Set(['true', 'false', 'nil', 'let', 'in', 'not', 'and', 'or', 'matches', 'contains', 'startsWith', 'endsWith', 'if', 'else']);

/** Why a name cannot be a template variable, or undefined. */
export function reservedVarName(name: string, vars: ReadonlyMap<string, ExprType>): boolean {
  return templateEnv.has(name) || vars.has(name) || builtins.has(name) || keywords.has(name);
}

/** Compiles an expression against the env and the variables defined so far: its type, or an error. */
export function compileTemplateExpr(source: string, vars: ReadonlyMap<string, ExprType>): { type: ExprType } | { error: string } {
  let ast: Expression;
  try {
    if (source.trim() === '') return { error: 'unexpected token EOF' };
    ast = exprParser()(source);
  } catch (e) {
    return { error: (e as Error).message };
  }
  try {
    return { type: typeOf(ast, vars) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** jsep nodes, read loosely (their shape depends on the node type). */
type Node = { type: string; [k: string]: unknown };

function typeOf(expr: Expression, vars: ReadonlyMap<string, ExprType>): ExprType {
  const n = expr as unknown as Node;
  switch (n.type) {
    case 'Literal': {
      const v = n.value;
      if (typeof v === 'string') return 'string';
      if (typeof v === 'boolean') return 'bool';
      if (typeof v === 'number') return Number.isInteger(v) && !String((n as { raw?: string }).raw ?? '').includes('.') ? 'int' : 'float';
      return 'any';
    }
    case 'Identifier': {
      const name = String(n.name);
      if (name === 'true' || name === 'false') return 'bool';
      if (name === 'nil') return 'any';
      if (vars.has(name)) return vars.get(name)!;
      if (templateEnv.has(name)) return 'any';
      throw new Error(`unknown name ${name}`);
    }
    case 'CallExpression': {
      const callee = n.callee as Expression;
      const args = n.arguments as Expression[];
      for (const a of args) typeOf(a, vars);
      if (callee.type === 'Identifier') {
        const name = String((callee as unknown as Node).name);
        if (templateEnv.has(name)) return templateEnv.get(name)!;
        if (builtins.has(name)) return 'any';
        if (vars.has(name)) return 'any';
        throw new Error(`unknown func ${name}`);
      }
      return 'any';
    }
    case 'BinaryExpression': {
      const op = String(n.operator);
      const l = typeOf(n.left as Expression, vars);
      const r = typeOf(n.right as Expression, vars);
      if (['==', '!=', '<', '>', '<=', '>=', 'and', 'or', '&&', '||', 'in', 'matches', 'contains', 'startsWith', 'endsWith'].includes(op)) return 'bool';
      if (op === '+' && l !== 'any' && r !== 'any') {
        if (l === 'string' && r === 'string') return 'string';
        const num = (t: ExprType) => t === 'int' || t === 'float';
        if (num(l) && num(r)) return l === 'float' || r === 'float' ? 'float' : 'int';
        throw new Error(`invalid operation: + (mismatched types ${l} and ${r})`);
      }
      if (['-', '*', '/', '%'].includes(op)) return l === 'float' || r === 'float' || op === '/' ? 'float' : l === 'any' || r === 'any' ? 'any' : 'int';
      return 'any';
    }
    case 'UnaryExpression':
      typeOf(n.argument as Expression, vars);
      return String(n.operator) === '-' ? 'any' : 'bool';
    case 'ConditionalExpression':
      typeOf(n.test as Expression, vars);
      return 'any';
    case 'Compound':
      throw new Error('unexpected token');
    default:
      return 'any';
  }
}
