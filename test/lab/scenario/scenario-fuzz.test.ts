/**
 * Fuzzing scenario files (fast-check, seeded): the shipped scenarios, mutated with YAML pieces
 * (anchors, aliases, flow brackets, tags, tabs, document markers, long lines) and cut, duplicated
 * or deleted, go through the scenario loader. Each either loads or is refused with a ScenarioError
 * that names the file (and a line when there is one); nothing else escapes, and no case takes long.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DnswhyError } from '../../../src/core/errors.js';
import { ScenarioError, parseScenario } from '../../../src/lab/scenario/load-scenario.js';

const cases = 300;
const seed = 13_0413;
const dir = join(import.meta.dirname, '..', '..', '..', 'scenarios');
const corpus = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(join(dir, f), 'utf8'));

const pieces = [
  '&a ', '*a', '*nope', '<<: *a\n', '[', ']', '{', '}', ': ', '- ', '\n- ', '\n  ', '\t', '#', '"', "'", '|\n', '>-\n', '!!str ', '!!binary ',
  '!custom ', '---\n', '...\n', '? ', '%YAML 1.2\n', '~', 'null', '.nan', '0x1F', '1e999', '-0', '2026-12-04', 'yes', '\u0000', '\uFEFF',
  '\u2028', 'x'.repeat(200), '10.0.0.0/8', '999.1.1.1', 'ip: ', 'name: ', 'nodes: ', 'pods: ', 'version: 2\n', '\r\n',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

type Mutation = { kind: 'insert'; at: number; text: string } | { kind: 'delete' | 'duplicate'; at: number; len: number } | { kind: 'cut'; at: number };

function apply(text: string, ms: Mutation[]): string {
  for (const m of ms) {
    const at = text.length === 0 ? 0 : m.at % (text.length + 1);
    if (m.kind === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
    else if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.len);
    else if (m.kind === 'duplicate') text = text.slice(0, at) + text.slice(at, at + m.len) + text.slice(at);
    else text = text.slice(0, at);
  }
  return text;
}

describe(`fuzz: ${cases} mutated scenario files (seed ${seed})`, () => {
  it('load, or are refused with a ScenarioError naming the file; nothing else is thrown', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.array(mutation, { minLength: 1, maxLength: 5 }), (i, ms) => {
        const text = apply(corpus[i]!, ms as Mutation[]);
        try {
          parseScenario(text, 'fuzz.yaml');
        } catch (err) {
          if (!(err instanceof ScenarioError)) throw new Error(`not a ScenarioError: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}\n--- input ---\n${text.slice(0, 2000)}`);
          expect(err).toBeInstanceOf(DnswhyError);
          expect(err.message).toMatch(/^fuzz\.yaml(:\d+)?: \S/);
          refused += 1;
        }
      }),
      { numRuns: cases, seed },
    );
    // Both outcomes happen: the mutations are neither all harmless nor all fatal.
    expect(refused).toBeGreaterThan(cases / 10);
    expect(refused).toBeLessThan(cases);
  });
});
