/**
 * A token cursor with the exact semantics of caddy's `caddyfile.Dispenser` (Next, NextArg, NextLine,
 * NextBlock, RemainingArgs, …). The parser uses it over the whole file and validators use it over one
 * directive's tokens, the way CoreDNS plugins' setup() functions do.
 */
import { CorefileError } from './errors.js';
import type { SourcePos, Tok } from './model.js';

/** Cursor over tokens; `cursor` starts before the first token, as in caddy. */
export class Dispenser {
  cursor = -1;
  nesting = 0;

  constructor(
    public tokens: Tok[],
    readonly filename: string,
    readonly plugin?: string,
  ) {}

  /** Loads the next token; false at the end. */
  next(): boolean {
    if (this.cursor < this.tokens.length - 1) {
      this.cursor++;
      return true;
    }
    return false;
  }

  /** Loads the next token only if it is on the same line. */
  nextArg(): boolean {
    return this.advanceIf((sameFile, gap) => sameFile && gap === 0);
  }

  /** Loads the next token only if it is on a later line. */
  nextLine(): boolean {
    return this.advanceIf((sameFile, gap) => !sameFile || gap > 0);
  }

  /**
   * Before the first token, loads it; otherwise loads the next token when `test` accepts where it
   * lies: in the same file or not, and how many lines after the end of the current token.
   */
  private advanceIf(test: (sameFile: boolean, gap: number) => boolean): boolean {
    if (this.cursor < 0) {
      this.cursor++;
      return true;
    }
    if (this.cursor >= this.tokens.length - 1) return false;
    const cur = this.tokens[this.cursor]!;
    const next = this.tokens[this.cursor + 1]!;
    if (!test(cur.pos.file === next.pos.file, next.pos.line - (cur.pos.line + this.numLineBreaks(this.cursor)))) return false;
    this.cursor++;
    return true;
  }

  /** caddy's NextBlock: iterate the tokens of a `{ … }` block that opens on the current line. */
  nextBlock(): boolean {
    if (this.nesting > 0) {
      if (!this.next()) return false;
      if (this.val() === '}') {
        this.nesting--;
        return false;
      }
      return true;
    }
    if (!this.nextArg()) return false;
    if (this.val() !== '{') {
      this.cursor--;
      return false;
    }
    if (!this.next()) return false;
    if (this.val() === '}') return false;
    this.nesting++;
    return true;
  }

  /** Text of the current token ("" when none). */
  val(): string {
    if (this.cursor < 0 || this.cursor >= this.tokens.length) return '';
    return this.tokens[this.cursor].text;
  }

  /** The current token, if any. */
  tok(): Tok | undefined {
    if (this.cursor < 0 || this.cursor >= this.tokens.length) return undefined;
    return this.tokens[this.cursor];
  }

  /** Line of the current token (0 when none). */
  line(): number {
    return this.tok()?.pos.line ?? 0;
  }

  /** Position of the current token, or of the nearest one. */
  pos(): SourcePos {
    const t = this.tok() ?? this.tokens[Math.min(Math.max(this.cursor, 0), this.tokens.length - 1)];
    return t ? t.pos : { file: this.filename, line: 1, col: 1 };
  }

  /** The remaining arguments on this line, stopping before a `{`. */
  remainingArgs(): string[] {
    const args: string[] = [];
    while (this.nextArg()) {
      if (this.val() === '{') {
        this.cursor--;
        break;
      }
      args.push(this.val());
    }
    return args;
  }

  /** Like remainingArgs, but the tokens. */
  remainingArgTokens(): Tok[] {
    const args: Tok[] = [];
    while (this.nextArg()) {
      if (this.val() === '{') {
        this.cursor--;
        break;
      }
      args.push(this.tok()!);
    }
    return args;
  }

  /** caddy's ArgErr. */
  argErr(): CorefileError {
    if (this.val() === '{') return this.err("Unexpected token '{', expecting argument");
    return this.err(`Wrong argument count or unexpected line ending after '${this.val()}'`);
  }

  /** caddy's SyntaxErr. */
  syntaxErr(expected: string): CorefileError {
    return this.err(`Syntax error: Unexpected token '${this.val()}', expecting '${expected}'`);
  }

  /** caddy's EOFErr. */
  eofErr(): CorefileError {
    return this.err('Unexpected EOF');
  }

  /** An error at the current token. */
  err(message: string): CorefileError {
    return new CorefileError(message, this.pos(), this.plugin);
  }

  /** Number of `\n` inside a token's text (quoted tokens can span lines). */
  numLineBreaks(i: number): number {
    if (i < 0 || i >= this.tokens.length) return 0;
    let n = 0;
    for (const c of this.tokens[i].text) if (c === '\n') n++;
    return n;
  }

  /** True when the current token starts a new line (a change of file always does). */
  isNewLine(): boolean {
    if (this.cursor < 1) return true;
    if (this.cursor > this.tokens.length - 1) return false;
    const prev = this.tokens[this.cursor - 1];
    const cur = this.tokens[this.cursor];
    return prev.pos.file !== cur.pos.file || prev.pos.line + this.numLineBreaks(this.cursor - 1) < cur.pos.line;
  }
}
