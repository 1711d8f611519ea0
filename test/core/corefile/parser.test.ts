import { describe, expect, it } from 'vitest';
import { memoryFileSource } from '../../../src/core/corefile/imports.js';
import { parseCorefile as parseOnly } from '../../../src/core/corefile/parse.js';
import { printSyntax } from '../../../src/core/corefile/print.js';
import { checkCorefile } from '../../../src/core/corefile/validate.js';
import type { ParseOptions } from '../../../src/core/corefile/model.js';

/** Every Corefile parsed in these tests must also print back byte for byte. */
const parseCorefile = (text: string, opts: ParseOptions = {}) => {
  const r = parseOnly(text, opts);
  expect(printSyntax(r.syntax)).toBe(text);
  return r;
};
const errorsOf = (text: string, opts = {}) =>
  parseCorefile(text, opts).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pos?.line}:${d.pos?.col} ${d.message}`);
const shape = (text: string, opts = {}) =>
  parseCorefile(text, opts).model.blocks.map((b) => ({
    keys: b.keys.map((k) => k.text),
    dirs: b.directives.map((d) => [d.name, ...d.args.map((a) => a.text)].join(' ')),
  }));

describe('parser: keys (docs/coredns-semantics.md, Server blocks and directives)', () => {
  it('continues keys after a trailing comma, also on the next line', () => {
    expect(shape('a.org,\nb.org, c.org {\n}')[0].keys).toEqual(['a.org', 'b.org', 'c.org']);
  });
  it('gives an empty key for a lone comma, which is then an invalid zone', () => {
    expect(shape('a , b {\n}')[0].keys).toEqual(['a', '', 'b']);
    expect(errorsOf('a , b {\n}')).toEqual(['1:3 zone is not a valid domain name: ']);
  });
  it('skips "" key tokens', () => {
    expect(shape('"" a.org {\n}')[0].keys).toEqual(['a.org']);
  });
  it('refuses a comma before {', () => {
    expect(errorsOf('a, {\n}')).toEqual(["1:4 Expected another address but had '{' - check for extra comma"]);
  });
  it('refuses a comma at EOF', () => {
    expect(errorsOf('a,')).toEqual(['1:1 Unexpected EOF']);
  });
  it('does not join keys on separate lines without a comma', () => {
    expect(errorsOf('example.org\nexample.net {\n}')).toEqual(["2:1 Unknown directive 'example.net'"]);
  });
  it('allows { on the line after the keys', () => {
    expect(shape('example.org\n{\n whoami\n}')).toEqual([{ keys: ['example.org'], dirs: ['whoami'] }]);
  });
});

describe('parser: blocks and directives', () => {
  it('accepts a brace-less block ended by EOF or a } token', () => {
    expect(shape('example.org\nwhoami\nlog')).toEqual([{ keys: ['example.org'], dirs: ['whoami', 'log'] }]);
    expect(shape('example.org\nwhoami\n}\n')).toEqual([{ keys: ['example.org'], dirs: ['whoami'] }]);
  });
  it('reports unknown directives in CoreDNS wording', () => {
    expect(errorsOf('. {\n  proxy . 1.1.1.1\n}')).toEqual(["2:3 Unknown directive 'proxy'"]);
  });
  it('knows the directive list of older CoreDNS versions', () => {
    expect(errorsOf('. {\n  proxy . 1.1.1.1\n}', { corednsVersion: '1.4.0' })).toEqual([]);
    expect(errorsOf('. {\n  view v {\n  expr true\n }\n}', { corednsVersion: '1.9.4' })).toEqual(["2:3 Unknown directive 'view'"]);
  });
  it('rejects } on the same line as a directive', () => {
    expect(errorsOf('. { whoami }')).toEqual(["1:12 Unexpected '}' because no matching opening brace"]);
    expect(errorsOf('. {\n whoami }')).toEqual(["2:9 Unexpected '}' because no matching opening brace"]);
  });
  it('accepts an empty block and one-line nested blocks', () => {
    expect(errorsOf('. { }')).toEqual([]);
    expect(shape('. {\nforward . 1.1.1.1 { force_tcp }\n}')[0].dirs).toEqual(['forward . 1.1.1.1']);
  });
  it('treats `} }` and `}}` closing a nested block as errors', () => {
    expect(errorsOf('. {\n forward . 1.1.1.1 {\n force_tcp\n } }\n}')).toEqual(["4:4 Unexpected '}' because no matching opening brace"]);
    // `}}` is one token: an argument, so the nested block never closes
    expect(errorsOf('. {\n forward . 1.1.1.1 {\n force_tcp\n}}')).toEqual(['4:1 Unexpected EOF']);
  });
  it('needs a closing brace', () => {
    expect(errorsOf('. {\nwhoami\n')).toEqual(["2:1 Syntax error: Unexpected token 'whoami', expecting '}'"]);
  });
  it('turns a stray } after a block into the key of a new block', () => {
    expect(shape('. {\n whoami\n}\n}')).toEqual([{ keys: ['.'], dirs: ['whoami'] }, { keys: ['}'], dirs: [] }]);
    expect(errorsOf('. {\n whoami\n}\n}\n. {\n log\n}')).toEqual(["5:1 Unknown directive '.'"]);
  });
  it('allows the next key on the closing line', () => {
    expect(shape('. {\n a.org\n}')).toEqual([]);
    expect(shape('a.org {\n whoami\n} b.org {\n log\n}').map((b) => b.keys[0])).toEqual(['a.org', 'b.org']);
  });
  it('keeps repeated directives in Corefile order with their nested lines', () => {
    const m = parseCorefile('. {\n forward a.org 1.1.1.1\n hosts {\n  1.2.3.4 x\n  fallthrough\n }\n forward . 8.8.8.8\n}').model;
    const b = m.blocks[0];
    expect(b.directives.map((d) => d.name)).toEqual(['forward', 'hosts', 'forward']);
    expect(b.directives[1].block?.map((l) => [l.name, ...l.args.map((a) => a.text)])).toEqual([['1.2.3.4', 'x'], ['fallthrough']]);
    expect(b.directives[1].tokens?.map((t) => t.text)).toEqual(['hosts', '{', '1.2.3.4', 'x', 'fallthrough', '}']);
    expect(b.directives[2].pos).toEqual({ file: 'Corefile', line: 7, col: 2 });
  });
  it('nests blocks inside nested blocks', () => {
    const d = parseCorefile('. {\n a {\n  b {\n   c 1\n  }\n }\n}', { corednsVersion: '1.14.7' });
    expect(d.diagnostics[0].message).toBe("Unknown directive 'a'");
    const m = parseCorefile('. {\n rewrite {\n  name {\n   x 1\n  }\n }\n}').model;
    expect(m.blocks[0].directives[0].block?.[0].block?.[0].name).toBe('x');
  });
  it('uses the default Corefile when there is no server block', () => {
    for (const text of ['', '# only a comment\n', '(snip) {\n whoami\n}', '""']) {
      const r = parseCorefile(text);
      expect(r.ok).toBe(true);
      expect(r.model.usedDefault).toBe(true);
      expect(shape(text)).toEqual([{ keys: ['.:53'], dirs: ['whoami', 'log'] }]);
    }
  });
});

describe('parser: environment (docs/coredns-semantics.md, Environment variables)', () => {
  const env = { ZONE: 'example.org', UP: '8.8.8.8 1.1.1.1', D: 'whoami', P: '53' };
  it('substitutes {$X} and {%X%} in keys, names and arguments, after tokenizing', () => {
    expect(shape('{$ZONE}:{%P%} {\n {$D}\n forward . {$UP}\n}', { env })).toEqual([
      { keys: ['example.org:53'], dirs: ['whoami', 'forward . 8.8.8.8 1.1.1.1'] },
    ]);
    expect(parseCorefile('. {\n forward . {$UP}\n}', { env }).model.blocks[0].directives[0].args).toHaveLength(2);
  });
  it('substitutes inside quoted tokens and in the middle of tokens; unset is empty', () => {
    expect(shape('. {\n log "di{$D}x" {$NOPE}y\n}', { env })[0].dirs).toEqual(['log diwhoamix y']);
    expect(errorsOf('{$NOPE}:53 {\n}', { env })).toEqual(['1:1 zone is not a valid domain name: ']);
  });
  it('leaves {$}, {%} and unclosed references literal', () => {
    expect(shape('. {\n log {$} {%} {$X\n}', { env })[0].dirs).toEqual(['log {$} {%} {$X']);
  });
});

describe('parser: import and snippets (docs/coredns-semantics.md)', () => {
  const files = memoryFileSource({
    '/etc/coredns/custom/a.override': 'log\n',
    '/etc/coredns/custom/b.override': 'hosts {\n 1.2.3.4 x.org\n fallthrough\n}\n',
    '/etc/coredns/custom/z.server': 'z.org:53 {\n whoami\n}\n',
    '/etc/coredns/bad.override': 'x.org {\n}\n',
    '/etc/coredns/dir/inner': 'log\n',
    '/etc/coredns/quote.inc': 'log "abc\n',
  });
  it('imports files relative to the importing file, in lexical order, at top level and in blocks', () => {
    const text = '.:53 {\n errors\n import custom/*.override\n}\nimport custom/*.server\n';
    const r = parseCorefile(text, { files });
    expect(r.ok).toBe(true);
    expect(shape(text, { files })).toEqual([
      { keys: ['.:53'], dirs: ['errors', 'log', 'hosts'] },
      { keys: ['z.org:53'], dirs: ['whoami'] },
    ]);
    expect(r.model.importedFiles).toEqual(['/etc/coredns/custom/a.override', '/etc/coredns/custom/b.override', '/etc/coredns/custom/z.server']);
    expect(r.model.blocks[0].directives[1].pos).toEqual({ file: '/etc/coredns/custom/a.override', line: 1, col: 1 });
  });
  it('warns only when a glob matches nothing, errors when a plain file is missing', () => {
    const r = parseCorefile('. {\n import custom/*.none\n}', { files });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => d.severity + ' ' + d.message)).toEqual(['warning No files matching import glob pattern: custom/*.none']);
    expect(errorsOf('. {\n import nope.conf\n}', { files })).toEqual(['2:9 File to import not found: nope.conf']);
  });
  it('refuses globs with more than one wildcard', () => {
    expect(errorsOf('. {\n import */*.override\n}', { files })).toEqual([
      '2:9 Glob pattern may only contain one wildcard (*), but has others: /etc/coredns/*/*.override',
    ]);
    expect(errorsOf('import a?b?', { files })[0]).toMatch(/Glob pattern may only contain one wildcard/);
    expect(errorsOf('import [ab]', { files })[0]).toMatch(/Glob pattern may only contain one wildcard/);
  });
  it('checks import argument counts', () => {
    expect(errorsOf('. {\n import\n}', { files })).toEqual(["2:2 Wrong argument count or unexpected line ending after 'import'"]);
    expect(errorsOf('. {\n import a b\n}', { files })).toEqual(['2:11 Import takes only one argument (glob pattern or file)']);
    expect(errorsOf('. {\n import {$NOPE}\n}', { files })).toEqual(['2:9 Import requires a non-empty filepath']);
  });
  it('reads directories as errors', () => {
    expect(errorsOf('. {\n import dir\n}', { files })).toEqual(['2:9 Could not import /etc/coredns/dir: is a directory']);
  });
  it('splices tokens: a block in a block-level import is an unknown directive', () => {
    expect(errorsOf('. {\n import bad.override\n}', { files })).toEqual(["1:1 Unknown directive 'x.org'"]);
    expect(parseCorefile('. {\n import bad.override\n}', { files }).diagnostics[0].pos?.file).toBe('/etc/coredns/bad.override');
  });
  it('lexes each imported file separately (a quote cannot span files)', () => {
    expect(shape('. {\n import quote.inc\n whoami\n}', { files })[0].dirs).toEqual(['log abc\n', 'whoami']);
  });
  it('imports snippets defined before use, also inside nested blocks', () => {
    const text = '(fw) {\n forward . 1.1.1.1\n}\n(opt) {\n fallthrough\n}\n. {\n import fw\n hosts {\n  import opt\n }\n}';
    expect(shape(text)).toEqual([{ keys: ['.'], dirs: ['forward . 1.1.1.1', 'hosts'] }]);
    const hosts = parseCorefile(text).model.blocks[0].directives[1];
    expect(hosts.block?.map((l) => l.name)).toEqual(['fallthrough']);
  });
  it('treats a snippet used before its definition as a file', () => {
    expect(errorsOf('. {\n import s\n}\n(s) {\n whoami\n}')).toEqual(['2:9 File to import not found: s']);
  });
  it('enforces snippet rules', () => {
    expect(errorsOf('(s) {\n whoami\n}\n(s) {\n log\n}')).toEqual(['4:5 redeclaration of previously declared snippet s']);
    expect(errorsOf('(s)\nwhoami')).toEqual(["2:1 Syntax error: Unexpected token 'whoami', expecting '{'"]);
    expect(errorsOf('(s) {\n import s\n}')).toEqual(['3:1 maximum snippet import depth (10000) exceeded']);
    // `(a) (b)` is not a snippet: two (invalid-looking but legal) zones
    expect(shape('(a) (b) {\n whoami\n}')[0].keys).toEqual(['(a)', '(b)']);
  });
  it('caps snippet expansions at 10,000', () => {
    const text = '(a) {\n log\n}\n(b) {\n import a\n import a\n import a\n import a\n import a\n import a\n import a\n import a\n import a\n import a\n}\n' +
      '(c) {\n' + ' import b\n'.repeat(10) + '}\n(d) {\n' + ' import c\n'.repeat(10) + '}\n(e) {\n' + ' import d\n'.repeat(11) + '}\n. {\n import e\n}';
    expect(errorsOf(text)[0]).toMatch(/maximum snippet import depth \(10000\) exceeded/);
  });
  it('stops a file importing itself at the file cap without hanging', () => {
    const self = memoryFileSource({ '/etc/coredns/loop': 'import loop\n' });
    expect(errorsOf('import loop', { files: self })[0]).toMatch(/maximum file import depth \(10000\) exceeded/);
  });
});

describe('parser: token lines and the other lexing rules', () => {
  it('counts the newlines inside a quoted token when deciding what is on the same line', () => {
    expect(shape('. {\n log "a\nb" c\n whoami\n}')[0].dirs).toEqual(['log a\nb c', 'whoami']);
  });
  it('treats a change of file as a new line, whatever the line numbers', () => {
    const files = memoryFileSource({ '/etc/coredns/deep.inc': '\n\n\n\n\nlog a.org' });
    expect(shape('. {\n import deep.inc\n whoami\n}', { files })[0].dirs).toEqual(['log a.org', 'whoami']);
  });
  it('recognises import only at the start of a line (elsewhere it is an argument)', () => {
    expect(shape('. {\n log import x\n}')[0].dirs).toEqual(['log import x']);
  });
  it('substitutes {$x} inside Go template braces ({{$x}})', () => {
    expect(shape('. {\n log {{$X}}\n}', { env: { X: 'abc' } })[0].dirs).toEqual(['log {abc}']);
  });
  it('does not validate snippet bodies until they are imported', () => {
    const r = parseCorefile('(s) {\n bogus directive\n}\n. {\n whoami\n}');
    expect(r.ok).toBe(true);
    expect(errorsOf('(s) {\n bogus directive\n}\n. {\n import s\n}')).toEqual(["2:2 Unknown directive 'bogus'"]);
  });
  it('runs an unterminated quote to EOF, which then lacks the closing brace', () => {
    expect(errorsOf('. {\n log "abc\n}\n')).toEqual(['2:6 Syntax error: Unexpected token \'abc\n}\n\', expecting \'}\'']);
  });
  it('keeps comments glued to words out of the tokens', () => {
    expect(shape('. {\n forward . 8.8.8.8#dc1 1.1.1.1 # upstreams\n}')[0].dirs).toEqual(['forward . 8.8.8.8 1.1.1.1']);
  });
});


// A `}` at the top level, checked against the rules of CoreDNS's Caddy fork (caddyfile/parse.go):
// addresses() collects every token up to a `{` or the end of the line as an address, `}` included,
// so after a closed block a stray `}` opens a new, plugin-less server block for the zone "}." that
// CoreDNS loads (a block without plugins answers REFUSED). Only directives() and directive() treat
// `}` specially. The verdicts below follow from that; `check` agrees and warns.
describe('a stray } at the top level (Caddy fork rules)', () => {
  const verdict = (text: string) => {
    const r = checkCorefile(text);
    return { ok: r.ok, keys: r.model.blocks.map((b) => b.keys.map((k) => k.text)), warnings: r.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.pos?.line}:${d.pos?.col}`) };
  };
  it('after a block, alone or on the closing line: a valid plugin-less block keyed "}", with a warning', () => {
    expect(verdict('. {\n whoami\n}\n}\n')).toEqual({ ok: true, keys: [['.'], ['}']], warnings: ['4:1'] });
    expect(verdict('. {\n whoami\n} }\n')).toEqual({ ok: true, keys: [['.'], ['}']], warnings: ['3:3'] });
    expect(verdict('}\n')).toEqual({ ok: true, keys: [['}']], warnings: ['1:1'] });
  });
  it('before keys on the same line: one more key of that block', () => {
    expect(verdict('} . {\n whoami\n}\n')).toEqual({ ok: true, keys: [['}', '.']], warnings: ['1:1'] });
  });
  it('followed by a block on the next line: the next key is read as a directive (an error, as in CoreDNS)', () => {
    expect(errorsOf('. {\n whoami\n}\n}\n. {\n log\n}')).toEqual(["5:1 Unknown directive '.'"]);
    expect(errorsOf('}\n. {\n log\n}')).toEqual(["2:1 Unknown directive '.'"]);
  });
  it('says whether a block was closed already, or there was none before it', () => {
    const message = (text: string) => checkCorefile(text).diagnostics.find((d) => d.severity === 'warning')?.message;
    expect(message('. {\n whoami\n}\n}\n')).toBe('"}" is read as the address of a server block (zone "}."), not as a closing brace: the block above was already closed; remove it (this block has no plugins, so CoreDNS answers REFUSED for that zone)');
    expect(message('} . {\n whoami\n}\n')).toBe('"}" is read as the address of a server block (zone "}."), not as a closing brace: there is no block before it to close; remove it');
  });
  it('"}}" is one word (the lexer splits on white space only): in a block it is an unknown directive', () => {
    expect(errorsOf('. {\n whoami\n}}\n')).toEqual(["3:1 Unknown directive '}}'"]);
  });
  it('a quoted "}" is an ordinary key and raises no warning', () => {
    expect(verdict('"}" {\n whoami\n}\n').warnings).toEqual([]);
  });
});
