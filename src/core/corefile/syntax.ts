/**
 * The lossless syntax tree of one Corefile: every token with the exact text before it (whitespace,
 * comments, `\r`), plus the block / directive / nested-line structure with source offsets, so that
 * edits can be made as text splices and printing an unmodified tree gives back the input byte for
 * byte. Imports are not expanded here: an `import` line is a node of the file that contains it.
 */
import { lex, type LexToken } from './lexer.js';
import { splitLines, type LineTree } from './line-tree.js';
import type { Tok } from './model.js';
import { parseTokens, type PTok } from './parser.js';

export type LineEnding = '\n' | '\r\n';

/** Offsets and layout shared by blocks and lines. Offsets are UTF-16 indices into `SyntaxTree.text`. */
export interface SyntaxSpan {
  /** Start of the first token. */
  start: number;
  /** End of the last token (the closing `}` when there is one). */
  end: number;
  /** Start of the physical line holding `start`. */
  lineStart: number;
  /** Just after the line ending of the physical line holding `end` (or the end of the text). */
  lineEnd: number;
  /** 1-based line and column of `start`. */
  line: number;
  col: number;
  /** Text between `lineStart` and `start` when the node starts its line ('' otherwise). */
  indent: string;
  /** Nesting depth: 0 for server blocks, 1 for their directives, +1 per nested block. */
  depth: number;
  /** Indices (into `SyntaxTree.tokens`) of the first and last token. */
  firstToken: number;
  lastToken: number;
}

/** A directive line, a nested line, or an `import` line. */
export interface SyntaxLine extends SyntaxSpan {
  kind: 'directive' | 'nested' | 'import';
  /** First token's text (directive or option name; '' for a line that starts with `{`). */
  name: string;
  /** Offsets of the `{` opening its nested block and of the matching `}`. */
  openBrace?: number;
  closeBrace?: number;
  children: SyntaxLine[];
}

/** A top-level item: a server block, a snippet definition, or an `import` line. */
export interface SyntaxBlock extends SyntaxSpan {
  kind: 'server' | 'snippet' | 'import';
  /** Key tokens as written (commas included). */
  keys: LexToken[];
  openBrace?: number;
  closeBrace?: number;
  body: SyntaxLine[];
  /** Index among this file's server blocks (null for snippets and imports). */
  index: number | null;
}

export interface SyntaxTree {
  file: string;
  text: string;
  /** The line ending in use: CRLF when most lines end in `\r\n`. */
  eol: LineEnding;
  /** Indentation unit seen in the file (first indented directive line), default four spaces. */
  indentUnit: string;
  tokens: LexToken[];
  /** Text after the last token. */
  trailing: string;
  /** Top-level items in source order. */
  items: SyntaxBlock[];
  /** The server blocks among `items`. */
  blocks: SyntaxBlock[];
  /** False when the structure stops early because the file does not parse (tokens remain complete). */
  complete: boolean;
}

/** Options for building the tree (env matters: `{$X}` may spell `import` or `{`). */
export interface SyntaxOptions {
  env?: Record<string, string | undefined>;
  corednsVersion?: string;
}

/** Builds the lossless syntax tree of one file. */
export function buildSyntaxTree(text: string, file: string, opts: SyntaxOptions = {}): SyntaxTree {
  const lexed = lex(text, file);
  const toks: PTok[] = lexed.tokens.map((t, idx) => ({ text: t.text, quoted: t.quoted, pos: { file, line: t.line, col: t.col }, idx }));
  const raw = parseTokens(toks, { file, env: opts.env ?? {}, mode: 'syntax', corednsVersion: opts.corednsVersion });
  const b = new Builder(text, lexed.tokens);
  const items: SyntaxBlock[] = [];
  let serverIndex = 0;
  const all = [
    ...raw.blocks.map((r) => ({ r, kind: 'server' as const })),
    ...raw.snippets.map((r) => ({ r, kind: 'snippet' as const })),
  ].sort((x, y) => idxOf(x.r.keyTokens[0]) - idxOf(y.r.keyTokens[0]));
  for (const { r, kind } of all) {
    const keys = r.keyTokens as PTok[];
    if (keys.length === 0 || keys.some((k) => k.idx === undefined)) continue;
    const bodyLines: LineTree<PTok>[] =
      kind === 'snippet'
        ? splitLines(r.snippet!.body as PTok[])
        : r.directives.flatMap((d) => splitLines(d.tokens as PTok[]).slice(0, 1));
    const depth = r.open ? 1 : 0;
    const body = bodyLines.filter((l) => l.head && (l.head as PTok).idx !== undefined).map((l) => b.line(l, depth, 'directive'));
    const first = idxOf(keys[0]);
    let last = idxOf(r.close ?? r.open ?? keys[keys.length - 1]);
    for (const l of body) if (l.lastToken > last) last = l.lastToken; // a loop: bodies can be huge
    const block: SyntaxBlock = {
      ...b.span(first, last, 0),
      kind,
      keys: keys.map((k) => lexed.tokens[k.idx!]),
      body,
      index: kind === 'server' ? serverIndex++ : null,
    };
    if (r.open) block.openBrace = b.offset(r.open);
    if (r.close) block.closeBrace = b.offset(r.close);
    items.push(block);
  }
  // Import lines go where they were written: top level, a block body, or a nested block.
  for (const imp of raw.imports) {
    const [a, p] = imp.tokens as [PTok, PTok];
    if (a.idx === undefined || p.idx === undefined) continue;
    const node: SyntaxLine = { ...b.span(a.idx, p.idx, 0), kind: 'import', name: 'import', children: [] };
    placeImport(items, node, b);
  }
  items.sort((x, y) => x.start - y.start);
  return {
    file,
    text,
    eol: detectEol(text),
    indentUnit: detectIndent(items),
    tokens: lexed.tokens,
    trailing: lexed.trailing,
    items,
    blocks: items.filter((i) => i.kind === 'server'),
    complete: raw.error === undefined,
  };
}

function idxOf(t: Tok | undefined): number {
  return (t as PTok | undefined)?.idx ?? -1;
}

function placeImport(items: SyntaxBlock[], node: SyntaxLine, b: Builder): void {
  const block = items.find((i) => i.kind !== 'import' && i.openBrace !== undefined && i.openBrace < node.start && (i.closeBrace ?? Infinity) > node.start);
  if (!block) {
    items.push({ ...node, kind: 'import', keys: [], body: [], index: null });
    return;
  }
  let list = block.body;
  let depth = 1;
  for (;;) {
    const parent = list.find((l) => l.openBrace !== undefined && l.openBrace < node.start && (l.closeBrace ?? Infinity) > node.start);
    if (!parent) break;
    list = parent.children;
    depth++;
  }
  const placed = { ...b.span(node.firstToken, node.lastToken, depth), kind: 'import' as const, name: 'import', children: [] };
  list.push(placed);
  list.sort((x, y) => x.start - y.start);
}

class Builder {
  constructor(
    private readonly text: string,
    private readonly tokens: LexToken[],
  ) {}

  offset(t: Tok): number {
    return this.tokens[(t as PTok).idx!].start;
  }

  span(first: number, last: number, depth: number): SyntaxSpan {
    const a = this.tokens[first];
    const z = this.tokens[last];
    const lineStart = this.text.lastIndexOf('\n', a.start - 1) + 1;
    const nl = this.text.indexOf('\n', z.end);
    const lineEnd = nl === -1 ? this.text.length : nl + 1;
    const before = this.text.slice(lineStart, a.start);
    return {
      start: a.start,
      end: z.end,
      lineStart,
      lineEnd,
      line: a.line,
      col: a.col,
      indent: isAllGoSpace(before) ? before : '',
      depth,
      firstToken: first,
      lastToken: last,
    };
  }

  line(l: LineTree<PTok>, depth: number, kind: 'directive' | 'nested'): SyntaxLine {
    let first = (l.head as PTok).idx ?? Infinity;
    let last = -1;
    for (const t of l.tokens) {
      if (t.idx === undefined) continue;
      if (t.idx < first) first = t.idx;
      if (t.idx > last) last = t.idx;
    }
    const node: SyntaxLine = {
      ...this.span(first, last, depth),
      kind,
      name: l.head.text === '{' ? '' : this.tokens[(l.head as PTok).idx!].text,
      children: l.children.map((c) => this.line(c, depth + 1, 'nested')),
    };
    if (l.open) node.openBrace = this.offset(l.open);
    if (l.close) node.closeBrace = this.offset(l.close);
    return node;
  }
}

function isAllGoSpace(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (!(cp === 0x20 || cp === 0x09 || cp === 0x0b || cp === 0x0c || cp === 0x0d || cp === 0x85 || cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000 || cp === 0xfeff)) return false;
  }
  return true;
}

function detectEol(text: string): LineEnding {
  const lf = (text.match(/\n/g) ?? []).length;
  const crlf = (text.match(/\r\n/g) ?? []).length;
  return lf > 0 && crlf * 2 > lf ? '\r\n' : '\n';
}

function detectIndent(items: SyntaxBlock[]): string {
  for (const i of items) {
    for (const l of i.body) if (l.indent !== '' && /^[ \t]+$/.test(l.indent)) return l.indent;
  }
  return '    ';
}
