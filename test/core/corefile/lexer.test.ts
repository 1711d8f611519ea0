import { describe, expect, it } from 'vitest';
import { lex } from '../../../src/core/corefile/lexer.js';

const texts = (s: string) => lex(s, 'Corefile').tokens.map((t) => t.text);

describe('lexer (docs/coredns-semantics.md, Lexing)', () => {
  it('drops one leading byte order mark', () => {
    expect(texts('\uFEFF. {\n}')).toEqual(['.', '{', '}']);
    expect(texts('\uFEFF\uFEFFa')).toEqual(['\uFEFFa']);
  });

  it('splits on every unicode.IsSpace rune, NBSP included', () => {
    expect(texts('a\u00A0b\u3000c\u2028d\u0085e\u000Bf\u000Cg')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    // U+FEFF (after the start) and U+180E are not spaces in Go
    expect(texts('a\uFEFFb a\u180Eb')).toEqual(['a\uFEFFb', 'a\u180Eb']);
  });

  it('drops \\r outside quotes even inside a word, keeps it inside quotes', () => {
    expect(texts('fo\ro bar\r\n')).toEqual(['foo', 'bar']);
    expect(texts('"a\rb"')).toEqual(['a\rb']);
  });

  it('does not treat braces specially', () => {
    expect(texts('example.org{ }} whoami}')).toEqual(['example.org{', '}}', 'whoami}']);
  });

  it('runs a comment preceded by whitespace to the end of the line', () => {
    expect(texts('a # b c\nd')).toEqual(['a', 'd']);
    expect(texts('# only\n  #x "y\nz')).toEqual(['z']);
  });

  it('ends a word at a glued comment and resumes after the next whitespace', () => {
    expect(texts('forward . 8.8.8.8#dc1 1.1.1.1')).toEqual(['forward', '.', '8.8.8.8', '1.1.1.1']);
    expect(texts('a#b"c d"e')).toEqual(['a', 'd"e']);
  });

  it('opens quotes only at the start of a token', () => {
    expect(texts('a"b c"')).toEqual(['a"b', 'c"']);
    expect(texts('"a"b')).toEqual(['a', 'b']);
  });

  it('knows only the \\" escape', () => {
    expect(texts('"c\\d"')).toEqual(['c\\d']);
    expect(texts('"\\\\"')).toEqual(['\\\\']);
    expect(texts('"say \\"hi\\""')).toEqual(['say "hi"']);
  });

  it('allows newlines in quotes and numbers later lines correctly', () => {
    const t = lex('a "b\nc" d\ne', 'Corefile').tokens;
    expect(t.map((x) => [x.text, x.line])).toEqual([['a', 1], ['b\nc', 1], ['d', 2], ['e', 3]]);
  });

  it('makes "" one empty token and runs an unterminated quote to EOF', () => {
    expect(texts('a "" b')).toEqual(['a', '', 'b']);
    expect(texts('a "b c\nd')).toEqual(['a', 'b c\nd']);
    expect(texts('a "')).toEqual(['a']);
  });

  it('has no line continuation: a trailing backslash is a token', () => {
    const t = lex('forward . \\\n 1.1.1.1', 'Corefile').tokens;
    expect(t.map((x) => [x.text, x.line])).toEqual([['forward', 1], ['.', 1], ['\\', 1], ['1.1.1.1', 2]]);
  });

  it('keeps file, line, column and offsets of every token', () => {
    const src = '.:53 {\n\u00A0 whoami\n}';
    const t = lex(src, 'x/Corefile').tokens;
    expect(t[2]).toMatchObject({ text: 'whoami', file: 'x/Corefile', line: 2, col: 3, start: 9, end: 15 });
    expect(src.slice(t[2].start, t[2].end)).toBe('whoami');
  });

  it('counts columns in code points', () => {
    const t = lex('é😀 x', 'C').tokens;
    expect(t[1].col).toBe(4);
  });
});
