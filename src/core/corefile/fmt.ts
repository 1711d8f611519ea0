/**
 * `corefile fmt`: normalises indentation only. Every line that starts with a token (or a comment)
 * is re-indented to its nesting depth; whitespace-only lines become empty. Tokens, comments, blank
 * lines, line endings and everything after the first token of a line are left as they are.
 */
import { isGoSpace, type LexToken } from './lexer.js';
import { printTokens } from './print.js';
import type { SyntaxBlock, SyntaxLine, SyntaxTree } from './syntax.js';

export interface FmtOptions {
  /** One level of indentation (default: the unit the file already uses, else four spaces). */
  indent?: string;
}

/** The file re-indented. Returns the input unchanged when its structure is incomplete (a parse error). */
export function formatCorefile(tree: SyntaxTree, opts: FmtOptions = {}): string {
  if (!tree.complete) return printTokens(tree.tokens, tree.trailing);
  const unit = opts.indent ?? tree.indentUnit;
  const depth = new Map<number, number>(); // token index → depth of the line it starts
  const closers = new Set<number>(); // token indices of `}` that close a block (comments before them sit one deeper)
  const offsetToIdx = new Map(tree.tokens.map((t, i) => [t.start, i]));
  const mark = (offset: number | undefined, d: number, closer = false) => {
    if (offset === undefined) return;
    const i = offsetToIdx.get(offset);
    if (i === undefined) return;
    if (!depth.has(i)) depth.set(i, d);
    if (closer) closers.add(i);
  };
  const markLine = (l: SyntaxLine) => {
    // Children first: a line's range covers its nested lines, which sit deeper.
    for (const c of l.children) markLine(c);
    mark(l.closeBrace, l.depth, true);
    for (let i = l.firstToken; i <= l.lastToken; i++) if (!depth.has(i)) depth.set(i, l.depth);
  };
  const markBlock = (b: SyntaxBlock) => {
    if (b.kind === 'import') {
      for (let i = b.firstToken; i <= b.lastToken; i++) depth.set(i, 0);
      return;
    }
    for (const c of b.body) markLine(c);
    mark(b.closeBrace, 0, true);
    for (let i = b.firstToken; i <= b.lastToken; i++) if (!depth.has(i)) depth.set(i, 0);
  };
  for (const b of tree.items) markBlock(b);

  const tokens: LexToken[] = tree.tokens.map((t, i) => {
    const d = depth.get(i);
    if (d === undefined || !t.leading.includes('\n')) return t;
    const commentDepth = closers.has(i) ? d + 1 : d;
    return { ...t, leading: reindent(t.leading, d, commentDepth, unit) };
  });
  const trailing = reindent(tree.trailing, null, 0, unit);
  return printTokens(tokens, trailing);
}

/**
 * Re-indents the lines inside one trivia run. The part before the first newline belongs to the
 * previous line and is kept; each later line is a comment line, a blank line, or (the last one)
 * the indentation of the token that follows.
 */
function reindent(trivia: string, tokenDepth: number | null, commentDepth: number, unit: string): string {
  const parts = trivia.split('\n');
  for (let k = 1; k < parts.length; k++) {
    const last = k === parts.length - 1;
    const stripped = stripIndent(parts[k]);
    if (last && tokenDepth !== null) {
      parts[k] = unit.repeat(tokenDepth) + stripped;
    } else if (stripped === '' || stripped === '\r') {
      parts[k] = stripped;
    } else {
      parts[k] = unit.repeat(commentDepth) + stripped;
    }
  }
  return parts.join('\n');
}

function stripIndent(s: string): string {
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    if (cp === 0x0d || !(isGoSpace(cp) || cp === 0xfeff)) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return s.slice(i);
}
