/**
 * The Corefile lexer, a faithful port of coredns/caddy `caddyfile/lexer.go` (docs/coredns-semantics.md, "Lexing"),
 * extended to keep source offsets and the text between tokens (trivia) so the syntax tree is lossless.
 */

/** One lexed token with its exact place in the source. */
export interface LexToken {
  /** Value as CoreDNS sees it before env substitution: quotes removed, `\"` unescaped, `\r` dropped. */
  text: string;
  /** The exact source text of the token (quotes and escapes included). */
  raw: string;
  /** Offset (UTF-16 index) of the first character of `raw` in the file text. */
  start: number;
  /** Offset just after `raw`. */
  end: number;
  /** 1-based line of the token start (lines counted by `\n`, as caddy does). */
  line: number;
  /** 1-based column (in Unicode code points) of the token start. */
  col: number;
  quoted: boolean;
  /** Source text between the previous token (or the file start) and this one: whitespace, comments, `\r`. */
  leading: string;
  file: string;
}

/** The tokens of one file and whatever follows the last token. */
export interface LexResult {
  tokens: LexToken[];
  /** Source text after the last token. */
  trailing: string;
}

/**
 * Go's `unicode.IsSpace`: ASCII space, \t \n \v \f \r, U+0085, U+00A0 (NBSP), U+1680, U+2000–U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000. (Not U+FEFF or U+180E, unlike JavaScript's `\s`.)
 */
export function isGoSpace(cp: number): boolean {
  if (cp <= 0x20) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  if (cp < 0x85) return false;
  return (
    cp === 0x85 || cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 ||
    cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000
  );
}

/** Splits Corefile text into tokens exactly as caddy's lexer does. */
export function lex(text: string, file: string): LexResult {
  const tokens: LexToken[] = [];
  let i = 0;
  // caddy drops one leading byte order mark; it stays in the first token's trivia here.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  let line = 1;
  let lineStart = 0; // offset where the current line begins (for columns)
  let prevEnd = 0;
  // Column bookkeeping is incremental so that very long lines stay linear.
  let colLine = -1;
  let colOffset = 0;
  let colValue = 1;
  const columnAt = (at: number): number => {
    if (colLine !== lineStart) {
      colLine = lineStart;
      colOffset = lineStart;
      colValue = 1;
    }
    colValue += codePointLength(text, colOffset, at);
    colOffset = at;
    return colValue;
  };

  // Each iteration of the outer loop is one call of caddy's next().
  for (;;) {
    let val = '';
    let comment = false;
    let quoted = false;
    let escaped = false;
    let started = false;
    let tokStart = 0;
    let tokLine = 0;
    let tokCol = 0;
    let tokEnd = 0;
    let produced = false;

    while (i < text.length) {
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      const at = i;
      i += ch.length;

      if (quoted) {
        if (!escaped) {
          if (cp === 0x5c /* \ */) {
            escaped = true;
            continue;
          } else if (cp === 0x22 /* " */) {
            quoted = false;
            tokEnd = i;
            produced = true;
            break;
          }
        }
        if (cp === 0x0a) {
          line++;
          lineStart = i;
        }
        // Only \" is an escape; any other \x keeps its backslash.
        if (escaped && cp !== 0x22) val += '\\';
        val += ch;
        escaped = false;
        continue;
      }

      if (isGoSpace(cp)) {
        if (cp === 0x0d) continue; // \r vanishes outside quotes, even inside a word
        if (cp === 0x0a) {
          line++;
          lineStart = i;
          comment = false;
        }
        if (val.length > 0) {
          produced = true; // the separator is consumed, as in caddy; trivia comes from offsets
          break;
        }
        continue;
      }

      if (cp === 0x23 /* # */) comment = true;
      if (comment) continue;

      if (!started) {
        started = true;
        tokStart = at;
        tokLine = line;
        tokCol = columnAt(at);
        if (cp === 0x22) {
          quoted = true;
          continue;
        }
      }
      val += ch;
      tokEnd = i;
    }

    if (!produced) {
      // End of input: caddy returns a token only when val is non-empty (an unterminated quote runs to EOF).
      if (val.length > 0) {
        produced = true;
        if (quoted) tokEnd = text.length;
      }
    }
    if (!produced) break;
    tokens.push({
      text: val,
      raw: text.slice(tokStart, tokEnd),
      start: tokStart,
      end: tokEnd,
      line: tokLine,
      col: tokCol,
      quoted: text.charCodeAt(tokStart) === 0x22,
      leading: text.slice(prevEnd, tokStart),
      file,
    });
    prevEnd = tokEnd;
  }
  return { tokens, trailing: text.slice(prevEnd) };
}

function codePointLength(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c < 0xdc00 || c > 0xdfff) n++; // count lead surrogates and BMP units, skip trail surrogates
  }
  return n;
}
