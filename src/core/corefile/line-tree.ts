/**
 * Splits a token run into logical lines with nested `{ … }` blocks, keeping the brace tokens. Used
 * for directive nodes in the model and for the lossless syntax tree.
 */
import type { Tok } from './model.js';

/** One logical line: a head token, its arguments, and an optional nested block. */
export interface LineTree<T extends Tok = Tok> {
  /** The first token (the name); for a line that starts with `{` it is that brace. */
  head: T;
  args: T[];
  /** The `{` opening the nested block, and its matching `}` (absent when unterminated). */
  open?: T;
  close?: T;
  children: LineTree<T>[];
  /** Every token of the line, nested lines and braces included, in order. */
  tokens: T[];
}

function lineBreaks(t: Tok): number {
  let n = 0;
  for (const c of t.text) if (c === '\n') n++;
  return n;
}

/** caddy's "same line" test between two consecutive tokens. */
export function sameLine(a: Tok, b: Tok): boolean {
  return a.pos.file === b.pos.file && a.pos.line + lineBreaks(a) === b.pos.line;
}

/**
 * Nesting depth kept as structure. CoreDNS accepts any depth; past this one, braces stay arguments
 * of the deepest line (the flat token list is unchanged), so walkers of the tree never recurse deeply.
 */
export const maxStructureDepth = 64;

/** Parses all tokens into lines (top level: a stray `}` stays an argument). */
export function splitLines<T extends Tok>(tokens: T[]): LineTree<T>[] {
  return parseLines(tokens, 0, false, 0)[0];
}

function parseLines<T extends Tok>(tokens: T[], i: number, nested: boolean, depth: number): [LineTree<T>[], number] {
  const lines: LineTree<T>[] = [];
  let flat = 0; // braces opened past maxStructureDepth, still to be closed as arguments
  while (i < tokens.length) {
    const t = tokens[i];
    if (t.text === '}' && nested && flat === 0) return [lines, i];
    const line: LineTree<T> = { head: t, args: [], children: [], tokens: [] };
    lines.push(line);
    if (t.text !== '{') {
      line.tokens.push(t);
      if (t.text === '}' && flat > 0) flat--;
      i++;
    }
    for (;;) {
      if (i >= tokens.length) break;
      const cur = tokens[i];
      const onLine = cur === t || (i > 0 && sameLine(tokens[i - 1], cur));
      if (!onLine) break;
      if (flat > 0 && (cur.text === '{' || cur.text === '}')) {
        flat += cur.text === '{' ? 1 : -1;
        line.args.push(cur);
        line.tokens.push(cur);
        i++;
        continue;
      }
      if (cur.text === '}') {
        if (nested) break;
        line.args.push(cur); // a stray `}` (only in malformed input)
        line.tokens.push(cur);
        i++;
        continue;
      }
      if (cur.text === '{' && depth >= maxStructureDepth) {
        flat++;
        line.args.push(cur);
        line.tokens.push(cur);
        i++;
        continue;
      }
      if (cur.text === '{') {
        const [child, close] = parseLines(tokens, i + 1, true, depth + 1);
        if (line.open === undefined) line.open = cur;
        // Loops, not spread: a nested block may hold more lines than a call can take arguments.
        for (const c of child) line.children.push(c);
        line.tokens.push(cur);
        for (const c of child) for (const x of c.tokens) line.tokens.push(x);
        if (close < tokens.length) {
          line.close = tokens[close];
          line.tokens.push(tokens[close]);
        }
        i = close + 1;
        continue; // tokens after the `}` on the same line belong to this line
      }
      line.args.push(cur);
      line.tokens.push(cur);
      i++;
    }
  }
  return [lines, i];
}
