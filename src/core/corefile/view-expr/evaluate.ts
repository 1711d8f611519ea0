/**
 * Evaluates a compiled view expression against a request. Like CoreDNS's view filter, a runtime error
 * or a non-boolean result means "does not match"; the reason is returned for the explanation.
 */
import ipaddr from 'ipaddr.js';
import type { Expression } from './grammar.js';
import type { ViewEnv } from './env.js';
import type { CompiledViewExpr } from './compile.js';
import { compileGoRegex } from '../evaluate/go-regex.js';

/** Result of one expression: matched only when the value is exactly `true`. */
export interface ViewExprResult {
  matched: boolean;
  value?: unknown;
  error?: string;
}

class ExprError extends Error {}

/** Runs `expr` with `env`. Never throws. */
export function evaluateViewExpr(expr: CompiledViewExpr, env: ViewEnv): ViewExprResult {
  if (!expr.ok) return { matched: false, error: expr.error };
  try {
    const value = run(expr.ast, env);
    if (value === true) return { matched: true, value };
    if (typeof value !== 'boolean') return { matched: false, value, error: `expression is not boolean (got ${JSON.stringify(value)})` };
    return { matched: false, value };
  } catch (err) {
    return { matched: false, error: (err as Error).message };
  }
}

/** CIDR membership as `incidr` does it (net.ParseIP / net.ParseCIDR); errors for bad input. */
export function inCidr(ip: string, cidr: string): boolean {
  if (!ipaddr.isValid(ip)) throw new ExprError(`incidr: invalid IP address ${ip}`);
  let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    range = ipaddr.parseCIDR(cidr);
  } catch {
    throw new ExprError(`incidr: invalid CIDR address: ${cidr}`);
  }
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() !== range[0].kind()) return false;
  return addr.match(range);
}

function call(name: string, args: unknown[], env: ViewEnv): unknown {
  switch (name) {
    case 'incidr':
      if (args.length !== 2 || typeof args[0] !== 'string' || typeof args[1] !== 'string') throw new ExprError('incidr(ip, cidr) takes two strings');
      return inCidr(args[0], args[1]);
    case 'metadata':
      if (args.length !== 1 || typeof args[0] !== 'string') throw new ExprError('metadata(label) takes one string');
      return env.metadata[args[0]] ?? '';
    default:
      if (args.length !== 0) throw new ExprError(`${name}() takes no arguments`);
      return (env as unknown as Record<string, unknown>)[name];
  }
}

function run(node: Expression, env: ViewEnv): unknown {
  switch (node.type) {
    case 'Literal':
      return node.value;
    case 'Identifier':
      if (node.name === 'true') return true;
      if (node.name === 'false') return false;
      if (node.name === 'nil') return null;
      // A bare function name is the function value in expr; comparing it is never true.
      return { fn: node.name };
    case 'CallExpression':
      return call(String((node.callee as Expression).name), (node.arguments as Expression[]).map((a) => run(a, env)), env);
    case 'ArrayExpression':
      return (node.elements as Expression[]).map((e) => run(e, env));
    case 'ConditionalExpression': {
      const t = run(node.test as Expression, env);
      if (typeof t !== 'boolean') throw new ExprError('non-bool expression in ternary');
      return run((t ? node.consequent : node.alternate) as Expression, env);
    }
    case 'UnaryExpression': {
      const v = run(node.argument as Expression, env);
      switch (node.operator) {
        case 'not': case '!':
          if (typeof v !== 'boolean') throw new ExprError(`invalid operation: ${node.operator} (mismatched type)`);
          return !v;
        case '-': if (typeof v !== 'number') throw new ExprError('invalid operation: -'); return -v;
        case '+': if (typeof v !== 'number') throw new ExprError('invalid operation: +'); return v;
        default: throw new ExprError(`unknown operator ${node.operator}`);
      }
    }
    case 'BinaryExpression':
      return binary(String(node.operator), node.left as Expression, node.right as Expression, env);
    default:
      throw new ExprError(`unsupported syntax ${node.type}`);
  }
}

function binary(op: string, l: Expression, r: Expression, env: ViewEnv): unknown {
  if (op === 'and' || op === '&&' || op === 'or' || op === '||') {
    const a = run(l, env);
    if (typeof a !== 'boolean') throw new ExprError(`invalid operation: ${op} (mismatched types)`);
    if ((op === 'and' || op === '&&') && !a) return false;
    if ((op === 'or' || op === '||') && a) return true;
    const b = run(r, env);
    if (typeof b !== 'boolean') throw new ExprError(`invalid operation: ${op} (mismatched types)`);
    return b;
  }
  const a = run(l, env);
  const b = run(r, env);
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': case '>': case '<=': case '>=': {
      if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) {
        throw new ExprError(`invalid operation: ${op} (mismatched types)`);
      }
      return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
    }
    case '+': case '-': case '*': case '/': case '%': {
      if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
      if (typeof a !== 'number' || typeof b !== 'number') throw new ExprError(`invalid operation: ${op} (mismatched types)`);
      return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
    }
    case 'matches': {
      if (typeof a !== 'string' || typeof b !== 'string') throw new ExprError('invalid operation: matches (mismatched types)');
      const re = compileGoRegex(b);
      if (!re.ok) throw new ExprError(re.error);
      return re.re.test(a);
    }
    case 'contains':
      if (typeof a !== 'string' || typeof b !== 'string') throw new ExprError('invalid operation: contains (mismatched types)');
      return a.includes(b);
    case 'startsWith':
      if (typeof a !== 'string' || typeof b !== 'string') throw new ExprError('invalid operation: startsWith (mismatched types)');
      return a.startsWith(b);
    case 'endsWith':
      if (typeof a !== 'string' || typeof b !== 'string') throw new ExprError('invalid operation: endsWith (mismatched types)');
      return a.endsWith(b);
    case 'in':
      if (!Array.isArray(b)) throw new ExprError('invalid operation: in (right side is not an array)');
      return b.includes(a);
    default:
      throw new ExprError(`unknown operator ${op}`);
  }
}
