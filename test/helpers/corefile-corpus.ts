/**
 * The Corefile corpus (test/fixtures/corefile-corpus.json): the table rows of CoreDNS's own plugin
 * setup tests, one plugin stanza each with CoreDNS's verdict. See test/fixtures/README.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row: a stanza for one plugin's setup(), and whether CoreDNS's test expects it to fail. */
export interface CorpusRow {
  /** CoreDNS source file and line of the test case, e.g. plugin/acl/setup_test.go:18. */
  source: string;
  line: number;
  plugin: string;
  kind: string;
  input: string;
  shouldErr: boolean;
  /** Set when the stanza's first token is not a directive CoreDNS knows. */
  firstTokenNotADirective?: string;
}

/** Every row of the corpus, in file order. */
export const corefileCorpus: readonly CorpusRow[] = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'corefile-corpus.json'), 'utf8')) as CorpusRow[];
