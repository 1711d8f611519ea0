/**
 * The Corefile parser, a port of coredns/caddy `caddyfile/parse.go` (docs/coredns-semantics.md, "Server blocks and directives" to "import and snippets"): server
 * blocks, keys with trailing-comma continuation, brace-less blocks, nested directive blocks, `import`
 * of snippets and files, env substitution. It stops at the first error, as CoreDNS does.
 */
import { isKnownDirective } from './directives.js';
import { Dispenser } from './dispenser.js';
import { replaceEnvVars } from './env.js';
import { CorefileError } from './errors.js';
import { globLimitError, hasGlobChars, importGlob, matchImport } from './imports.js';
import { lex } from './lexer.js';
import type { Diagnostic, FileSource, SourcePos, Tok } from './model.js';

/** One directive occurrence: its name and every token CoreDNS hands to setup() for it. */
export interface RawDirective {
  name: string;
  tokens: Tok[];
}

/** A server block as caddy's parser returns it, with directive occurrences kept in order. */
export interface RawBlock {
  keys: Tok[];
  /** The key tokens as lexed (before comma stripping and env substitution). */
  keyTokens: Tok[];
  directives: RawDirective[];
  pos: SourcePos;
  /** The block's `{` and `}` tokens (absent for brace-less blocks). */
  open?: Tok;
  close?: Tok;
  /** Set for a snippet definition `(name) { … }`: its name and body tokens. */
  snippet?: { name: string; body: Tok[] };
}

/** One `import PATTERN` occurrence (the two tokens). */
export interface RawImport {
  tokens: [Tok, Tok];
}

export interface RawParse {
  blocks: RawBlock[];
  /** Snippet definitions, in order. */
  snippets: RawBlock[];
  imports: RawImport[];
  error?: CorefileError;
  warnings: Diagnostic[];
  importedFiles: string[];
}

export interface RawParseOptions {
  file: string;
  env: Record<string, string | undefined>;
  files?: FileSource;
  corednsVersion?: string;
  /**
   * 'syntax': do not expand imports (record them and drop their two tokens). Used to build the
   * lossless tree of one file, whose structure must not depend on other files.
   */
  mode?: 'expand' | 'syntax';
}

/** A parser token: a model token plus its index among the main file's lexed tokens. */
export type PTok = Tok & { idx?: number };

/** caddy's caps (v1.13.0+) against runaway snippet and file imports. */
export const maxSnippetExpansions = 10000;
export const maxFileExpansions = 100000;

/** Lexes a file into parser tokens. */
export function lexTokens(text: string, file: string): Tok[] {
  return lex(text, file).tokens.map((t, idx) => ({ text: t.text, quoted: t.quoted, pos: { file, line: t.line, col: t.col }, idx }));
}

/** Parses already-lexed tokens of the main file into raw server blocks. */
export function parseTokens(tokens: Tok[], opts: RawParseOptions): RawParse {
  const p = new Parser((tokens as PTok[]).map(clone), opts);
  const out: RawParse = { blocks: [], snippets: p.snippetBlocks, imports: p.imports, warnings: p.warnings, importedFiles: p.importedFiles };
  try {
    while (p.d.next()) {
      p.parseOne();
      if (p.block.keys.length > 0) out.blocks.push(p.block);
    }
  } catch (e) {
    if (!(e instanceof CorefileError)) throw e;
    out.error = e;
  }
  return out;
}

function clone(t: PTok): PTok {
  return { ...t };
}

class Parser {
  readonly d: Dispenser;
  block: RawBlock = { keys: [], keyTokens: [], directives: [], pos: { file: '', line: 0, col: 0 } };
  readonly snippetBlocks: RawBlock[] = [];
  readonly imports: RawImport[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly importedFiles: string[] = [];
  private eof = false;
  private snippets = new Map<string, Tok[]>();
  private snippetExpansions = 0;
  private fileExpansions = 0;

  constructor(
    tokens: Tok[],
    private readonly opts: RawParseOptions,
  ) {
    this.d = new Dispenser(tokens, opts.file);
  }

  private env(s: string): string {
    return replaceEnvVars(s, this.opts.env);
  }

  parseOne(): void {
    this.block = { keys: [], keyTokens: [], directives: [], pos: this.d.pos() };
    this.begin();
  }

  private begin(): void {
    const d = this.d;
    if (d.tokens.length === 0) return;
    this.addresses();
    if (this.eof) return; // a Corefile that is only a line of addresses
    const snippet = this.snippetName();
    if (snippet !== undefined) {
      if (this.snippets.has(snippet)) throw d.err(`redeclaration of previously declared snippet ${snippet}`);
      const tokens = this.snippetTokens();
      // caddy's minimal guard: a snippet body importing itself at a line start.
      for (let i = 0; i + 1 < tokens.length; i++) {
        if (tokens[i].text !== 'import') continue;
        const atLineStart = i === 0 || tokens[i - 1].pos.file !== tokens[i].pos.file || tokens[i - 1].pos.line !== tokens[i].pos.line;
        if (atLineStart && this.env(tokens[i + 1].text) === snippet) {
          throw d.err(`maximum snippet import depth (${maxSnippetExpansions}) exceeded`);
        }
      }
      this.snippets.set(snippet, tokens);
      this.snippetBlocks.push({ ...this.block, snippet: { name: snippet, body: tokens } });
      this.block.keys = [];
      return;
    }
    this.blockContents();
  }

  private addresses(): void {
    const d = this.d;
    let expectingAnother = false;
    for (;;) {
      let tkn = this.env(d.val());
      if (tkn === 'import' && d.isNewLine()) {
        this.doImport();
        continue;
      }
      if (tkn === '{') {
        if (expectingAnother) throw d.err(`Expected another address but had '${tkn}' - check for extra comma`);
        break;
      }
      if (tkn !== '') {
        if (tkn.endsWith(',')) {
          tkn = tkn.slice(0, -1);
          expectingAnother = true;
        } else {
          expectingAnother = false;
        }
        const t = d.tok()!;
        if (this.block.keys.length === 0) this.block.pos = t.pos;
        this.block.keys.push({ text: tkn, quoted: t.quoted, pos: t.pos });
        this.block.keyTokens.push(t);
      }
      const hasNext = d.next();
      if (expectingAnother && !hasNext) throw d.eofErr();
      if (!hasNext) {
        this.eof = true;
        break;
      }
      if (!expectingAnother && d.isNewLine()) break;
    }
  }

  private blockContents(): void {
    const d = this.d;
    const braced = d.val() === '{';
    if (braced) this.block.open = d.tok();
    else d.cursor--; // single-server configs don't need curly braces
    this.directives();
    if (braced && d.val() !== '}') throw d.syntaxErr('}');
    if (d.val() === '}') this.block.close = d.tok();
  }

  private directives(): void {
    const d = this.d;
    while (d.next()) {
      if (d.val() === '}') break;
      if (d.val() === 'import') {
        this.doImport();
        d.cursor--;
        continue;
      }
      this.directive();
    }
  }

  private directive(): void {
    const d = this.d;
    const dir = this.env(d.val());
    let nesting = 0;
    // The syntax tree's structure does not depend on which plugins a CoreDNS build knows.
    if (this.opts.mode !== 'syntax' && !isKnownDirective(dir, this.opts.corednsVersion)) throw d.err(`Unknown directive '${dir}'`);
    const occurrence: RawDirective = { name: dir, tokens: [d.tok()!] };
    this.block.directives.push(occurrence);
    while (d.next()) {
      const v = d.val();
      if (v === '{') {
        nesting++;
      } else if (d.isNewLine() && nesting === 0) {
        d.cursor--; // read too far
        break;
      } else if (v === '}' && nesting > 0) {
        nesting--;
      } else if (v === '}' && nesting === 0) {
        throw d.err("Unexpected '}' because no matching opening brace");
      } else if (v === 'import' && d.isNewLine()) {
        this.doImport();
        d.cursor--;
        continue;
      }
      const t = d.tok()!;
      t.text = this.env(t.text);
      occurrence.tokens.push(t);
    }
    if (nesting > 0) throw d.eofErr();
  }

  private doImport(): void {
    const d = this.d;
    if (!d.nextArg()) throw d.argErr();
    const pattern = this.env(d.val());
    if (pattern === '') throw d.err('Import requires a non-empty filepath');
    if (d.nextArg()) throw d.err('Import takes only one argument (glob pattern or file)');
    const before = d.tokens.slice(0, d.cursor - 1);
    const after = d.tokens.slice(d.cursor + 1);
    this.imports.push({ tokens: [d.tokens[d.cursor - 1], d.tokens[d.cursor]] });
    if (this.opts.mode === 'syntax') {
      d.tokens = [...before, ...after];
      d.cursor--;
      return;
    }
    let imported: Tok[] = [];
    const snippet = this.snippets.get(pattern);
    if (snippet !== undefined) {
      if (this.snippetExpansions >= maxSnippetExpansions) {
        throw d.err(`maximum snippet import depth (${maxSnippetExpansions}) exceeded`);
      }
      this.snippetExpansions++;
      imported = snippet.map(clone);
    } else {
      if (this.fileExpansions >= maxFileExpansions) {
        // caddy prints the snippet cap here (a copy-paste slip we keep for fidelity).
        throw d.err(`maximum file import depth (${maxSnippetExpansions}) exceeded`);
      }
      this.fileExpansions++;
      const glob = importGlob(pattern, d.tok()?.pos.file ?? this.opts.file);
      const limit = globLimitError(glob);
      if (limit) throw d.err(limit);
      const matches = matchImport(glob, this.opts.files);
      if (matches.length === 0) {
        if (hasGlobChars(glob)) {
          this.warnings.push({ severity: 'warning', message: `No files matching import glob pattern: ${pattern}`, pos: d.pos() });
        } else {
          throw d.err(`File to import not found: ${pattern}`);
        }
      }
      for (const file of matches) imported = imported.concat(this.singleImport(file));
    }
    d.tokens = [...before, ...imported, ...after];
    d.cursor--;
  }

  private singleImport(file: string): Tok[] {
    const d = this.d;
    let text: string | undefined | null;
    try {
      text = this.opts.files?.read(file);
    } catch (e) {
      throw d.err(`Could not import ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (text === null) throw d.err(`Could not import ${file}: is a directory`);
    if (text === undefined) throw d.err(`Could not import ${file}: no such file or directory`);
    if (!this.importedFiles.includes(file)) this.importedFiles.push(file);
    return lexTokens(text, file);
  }

  private snippetName(): string | undefined {
    const keys = this.block.keys;
    if (keys.length === 1 && keys[0].text.startsWith('(') && keys[0].text.endsWith(')')) {
      const k = keys[0].text.slice(1);
      return k.endsWith(')') ? k.slice(0, -1) : k;
    }
    return undefined;
  }

  private snippetTokens(): Tok[] {
    const d = this.d;
    if (d.val() !== '{') throw d.syntaxErr('{');
    this.block.open = d.tok();
    let count = 1;
    const tokens: Tok[] = [];
    while (d.next()) {
      if (d.val() === '}') {
        count--;
        if (count === 0) break;
      }
      if (d.val() === '{') count++;
      tokens.push(d.tok()!);
    }
    if (count !== 0) throw d.syntaxErr('}');
    this.block.close = d.tok();
    return tokens;
  }
}
