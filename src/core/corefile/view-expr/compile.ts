/**
 * Compiles a view `expr` line. CoreDNS joins the directive's tokens with single spaces after the
 * Corefile lexer has removed double quotes and `#` comments, so `name() == "a."` reaches expr as
 * `name() == a.` and fails to compile; single-quoted strings survive. Unknown identifiers and calls
 * of functions that are not in the environment are compile errors, as in expr (which checks against
 * the env at compile time).
 */
import { exprParser, type Expression } from './grammar.js';
import { envFunctions } from './env.js';

/** A compiled expression, or the compile error CoreDNS would report at startup. */
export type CompiledViewExpr = { ok: true; source: string; ast: Expression } | { ok: false; source: string; error: string };

/** Joins tokens as CoreDNS does (`strings.Join(c.RemainingArgs(), " ")`). */
export function joinExprTokens(tokens: readonly string[]): string {
  return tokens.join(' ');
}

/** Compiles expression text (already token-joined). Never throws. */
export function compileViewExpr(source: string): CompiledViewExpr {
  let ast: Expression;
  try {
    ast = exprParser()(source);
  } catch (err) {
    return { ok: false, source, error: `cannot compile expression: ${(err as Error).message}` };
  }
  const problem = check(ast);
  if (problem) return { ok: false, source, error: `cannot compile expression: ${problem}` };
  return { ok: true, source, ast };
}

function check(node: Expression): string | undefined {
  switch (node.type) {
    case 'Literal':
      return undefined;
    case 'Identifier': {
      const name = String(node.name);
      if (name === 'true' || name === 'false' || name === 'nil') return undefined;
      return envFunctions.has(name) ? undefined : `unknown name ${name}`;
    }
    case 'CallExpression': {
      const callee = node.callee as Expression;
      if (callee.type !== 'Identifier' || !envFunctions.has(String(callee.name))) {
        return `unknown function ${callee.type === 'Identifier' ? String(callee.name) : '(expression)'}`;
      }
      for (const a of node.arguments as Expression[]) { const p = check(a); if (p) return p; }
      return undefined;
    }
    case 'BinaryExpression':
      return check(node.left as Expression) ?? check(node.right as Expression);
    case 'UnaryExpression':
      return check(node.argument as Expression);
    case 'ArrayExpression':
      for (const e of node.elements as (Expression | null)[]) { if (e) { const p = check(e); if (p) return p; } }
      return undefined;
    case 'ConditionalExpression':
      return check(node.test as Expression) ?? check(node.consequent as Expression) ?? check(node.alternate as Expression);
    case 'Compound':
      return 'unexpected token (several expressions)';
    case 'MemberExpression':
      return 'member access is not supported in view expressions';
    default:
      return `unsupported syntax ${node.type}`;
  }
}
