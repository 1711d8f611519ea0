import { describe, expect, it } from 'vitest';
import { parseCorefile } from '../../../src/core/corefile/parse.js';
import { printSyntax } from '../../../src/core/corefile/print.js';
import { corefileCorpus } from '../../helpers/corefile-corpus.js';

const corpus = corefileCorpus;

describe('lossless printing', () => {
  it('prints every corpus input, bare and wrapped as `. {\\n…\\n}`, byte for byte', () => {
    const failures: string[] = [];
    for (const r of corpus) {
      for (const text of [r.input, `. {\n${r.input}\n}`]) {
        if (printSyntax(parseCorefile(text).syntax) !== text) failures.push(text);
      }
    }
    expect(failures).toEqual([]);
    expect(corpus.length).toBe(863);
  });

  it.each([
    ['CRLF and comments', '.:53 {\r\n    errors # e\r\n\r\n    # c\r\n    forward . 1.1.1.1\r\n}\r\n'],
    ['NBSP, BOM and tabs', '\uFEFF.\u00A0{\n\twhoami\u00A0\n}'],
    ['quotes and escapes', '. {\n  template ANY ANY {\n    answer "{{ .Name }} 60 IN A \\"x\\" \\d"\n  }\n}'],
    ['unterminated quote', '. {\n log "abc\n}\n'],
    ['glued comments', '. {\n forward . 8.8.8.8#dc1 1.1.1.1#x\n}#end'],
    ['no trailing newline and stray bytes', 'a.org {\n}\n   \t'],
    ['invalid input', '. {\n whoami }\n}}}} "\\'],
    ['empty', ''],
  ])('%s round-trips', (_name, text) => {
    expect(printSyntax(parseCorefile(text).syntax)).toBe(text);
  });
});
