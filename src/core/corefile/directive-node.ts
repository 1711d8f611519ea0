/**
 * Turns one directive occurrence's flat token list (as caddy collects it) into a DirectiveNode:
 * arguments of the first line, then nested `{ … }` lines, recursively.
 */
import { splitLines, type LineTree } from './line-tree.js';
import type { DirectiveNode, Tok } from './model.js';

/** Builds the node of a directive from its tokens (first token = the name). */
export function buildDirectiveNode(tokens: Tok[], name = tokens[0]?.text ?? ''): DirectiveNode {
  const lines = splitLines(tokens);
  const first = lines[0] ? toNode(lines[0]) : { name, args: [], block: null, pos: tokens[0].pos };
  // Anything past the first line (only possible in malformed input) stays visible as arguments.
  for (const extra of lines.slice(1)) for (const t of extra.tokens) first.args.push(t);
  return { ...first, name, tokens };
}

function toNode(l: LineTree): DirectiveNode {
  return {
    name: l.head.text === '{' ? '' : l.head.text,
    args: l.args,
    block: l.open ? l.children.map(toNode) : null,
    pos: l.head.pos,
  };
}
