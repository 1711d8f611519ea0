/**
 * Bounded random mutations of corpus Corefiles (fast-check): the engine never throws, reports only
 * typed diagnostics with positions, prints every input back byte for byte, and fmt changes nothing
 * but whitespace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCorefile } from '../../../src/core/corefile/fmt.js';
import { lex } from '../../../src/core/corefile/lexer.js';
import { memoryFileSource } from '../../../src/core/corefile/imports.js';
import { printSyntax } from '../../../src/core/corefile/print.js';
import { checkCorefile } from '../../../src/core/corefile/validate.js';
import { corefileCorpus } from '../../helpers/corefile-corpus.js';

const corpus = corefileCorpus.map(
  (r) => `. {\n${r.input}\n}\n`,
);
const files = memoryFileSource({
  '/etc/coredns/a.override': 'log\nhosts {\n 10.0.0.1 a.example.org\n fallthrough\n}\n',
  '/etc/coredns/b.server': 'example.org:53 {\n whoami\n}\n',
});

// Pieces that exercise every lexer and parser rule.
const pieces = [
  '{', '}', '"', '#', '\\', '\\"', '\r', '\n', '\r\n', ',', ' ', '\t', '\u00A0', '\uFEFF', '\u3000', 'import a.override',
  'import b.server', 'import *.x', 'import', '(s)', '{$X}', '{%Y%}', '{$', '.:53', 'example.org:', '10.0.0.0/27', '::/0',
  'forward . 1.1.1.1', 'hosts', 'fallthrough', 'cache 30', 'view v', "expr name() == 'a.'", 'kubernetes cluster.local',
  'template ANY ANY', 'rewrite name a b', '}}', '{ }', 'x'.repeat(70), '\u{1F600}',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
);

type Mutation = { kind: 'insert'; at: number; text: string } | { kind: 'delete' | 'duplicate'; at: number; len: number };

function apply(text: string, ms: Mutation[]): string {
  for (const m of ms) {
    const at = text.length === 0 ? 0 : m.at % (text.length + 1);
    if (m.kind === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
    else if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.len);
    else text = text.slice(0, at) + text.slice(at, at + m.len) + text.slice(at);
  }
  return text;
}

describe('fuzz: mutated corpus Corefiles (seed 20261122)', () => {
  it('2000 cases: never crash, only typed diagnostics; print round-trips; fmt only changes whitespace', () => {
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.constantFrom('1.14.7', '1.9.3', '1.6.9'), (i, ms, version) => {
        const text = apply(corpus[i], ms as Mutation[]);
        const r = checkCorefile(text, { files, env: { X: 'whoami', Y: 'a b' }, corednsVersion: version });
        for (const d of r.diagnostics) {
          expect(['error', 'warning', 'info']).toContain(d.severity);
          expect(typeof d.message).toBe('string');
          expect(d.message.length).toBeGreaterThan(0);
          if (d.pos) expect(d.pos.line).toBeGreaterThanOrEqual(1);
        }
        expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
        expect(printSyntax(r.syntax)).toBe(text);
        const formatted = formatCorefile(r.syntax);
        expect(lex(formatted, 'f').tokens.map((t) => t.text)).toEqual(r.syntax.tokens.map((t) => t.text));
      }),
      { numRuns: 2000, seed: 20261122 },
    );
  });
});

describe('pathological sizes (no stack overflow, no quadratic blow-up)', () => {
  it.each([
    ['10,000 nested blocks', `. {\n log ${'{\n'.repeat(10000)}${'}\n'.repeat(10000)}}\n`],
    ['40,000 braces on one line', `. {\n hosts ${'{ '.repeat(20000)}${'} '.repeat(20000)}\n}\n`],
    ['20,000 repeated directives', `. {\n${' log\n'.repeat(20000)}}\n`],
    ['one 30,000-line nested block', `. {\n hosts {\n${'  10.0.0.1 a.example.org\n'.repeat(30000)} }\n}\n`],
  ])('%s', (_name, text) => {
    const r = checkCorefile(text);
    expect(printSyntax(r.syntax)).toBe(text);
    expect(r.syntax.complete).toBe(true);
    expect(lex(formatCorefile(r.syntax), 'f').tokens.length).toBe(r.syntax.tokens.length);
  });
});

