/**
 * Fuzzing Corefile files as bytes (fast-check, seeded): corpus Corefiles encoded as UTF-8, UTF-16
 * with and without a byte order mark, with NUL and control bytes, cut mid-character, or random
 * bytes, read from disk the way `dnswhy corefile` reads them. Each is read as text and then checked
 * without throwing, or refused with an InputFileError that names the file; nothing else escapes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCorefile } from '../../src/core/corefile/validate.js';
import { DnswhyError } from '../../src/core/errors.js';
import { InputFileError, fileLimits, readTextFile } from '../../src/files/read-text-file.js';
import { corefileCorpus } from '../helpers/corefile-corpus.js';

const cases = 600;
const seed = 13_0053;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dnswhy-corefile-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const corpus = corefileCorpus.map((r) => `. {\n${r.input}\n}\n`);

const encoded = fc.tuple(fc.nat(corpus.length - 1), fc.constantFrom('utf8', 'utf16le', 'utf16le-bom', 'utf16be-bom', 'utf8-bom'), fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }));

function bytesOf([i, encoding, edits, cut]: [number, string, { at: number; byte: number }[], number | undefined]): Buffer {
  const text = corpus[i]!;
  let b =
    encoding === 'utf8' ? Buffer.from(text) :
    encoding === 'utf8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) :
    encoding === 'utf16le' ? Buffer.from(text, 'utf16le') :
    encoding === 'utf16le-bom' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) :
    Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  b = Buffer.from(b);
  for (const e of edits) if (b.length > 0) b[e.at % b.length] = e.byte;
  return cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
}

describe(`fuzz: ${cases} Corefile files as bytes: encodings, control bytes, cuts, random (seed ${seed})`, () => {
  it('are read and checked without throwing, or refused with an InputFileError naming the file', () => {
    let refused = 0;
    let checked = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: encoded.map(bytesOf) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((u) => Buffer.from(u)) }), fc.nat(), (bytes, n) => {
        const path = join(dir, `Corefile-${n}`);
        writeFileSync(path, bytes);
        let text: string;
        try {
          text = readTextFile(path, fileLimits.corefile);
        } catch (err) {
          if (!(err instanceof InputFileError)) throw err;
          expect(err).toBeInstanceOf(DnswhyError);
          expect(err.message.startsWith(`${path} `)).toBe(true);
          refused += 1;
          return;
        }
        const r = checkCorefile(text, {});
        expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
        checked += 1;
      }),
      { numRuns: cases, seed },
    );
    expect(refused).toBeGreaterThan(cases / 10);
    expect(checked).toBeGreaterThan(cases / 10);
  });
});
