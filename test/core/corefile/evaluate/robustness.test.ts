/**
 * explain() and CorefileServer never throw on any Corefile the parser accepts: every stanza of the
 * setup corpus (valid or not for CoreDNS) wrapped as `. { … }`, a handful of queries each, plus random
 * query names (fast-check, bounded).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorefileServer, explain } from '../../../../src/core/corefile/evaluate/index.js';
import { parseCorefile } from '../../../../src/core/corefile/parse.js';
import { cluster, kubeadm } from './fixtures.js';
import { FakeServerIo, query, upstreamAnswering } from './fake-io.js';
import { corefileCorpus } from '../../../helpers/corefile-corpus.js';

const corpus = corefileCorpus;
const queries = [
  { name: 'nginx.default.svc.cluster.local', type: 'A' },
  { name: 'www.example.org', type: 'AAAA' },
  { name: '10.0.0.10.in-addr.arpa', type: 'PTR' },
];

describe('robustness over the setup corpus', () => {
  it('explains every parsable stanza without throwing', () => {
    let explained = 0;
    for (const row of corpus) {
      const parsed = parseCorefile(`. {\n${row.input}\n}\n`);
      if (parsed.model.blocks.length === 0) continue;
      for (const q of queries) {
        const e = explain(parsed.model, { ...q, client: '10.245.1.20' }, { cluster, nodeResolvers: ['192.0.2.53'] });
        expect(typeof e.summary).toBe('string');
        explained++;
      }
    }
    expect(explained).toBeGreaterThan(corpus.length * 2);
  });

  it('CorefileServer answers every parsable stanza without throwing (fake ServerIo)', async () => {
    const io = new FakeServerIo(3);
    io.upstreams.set('192.0.2.53:53', upstreamAnswering('198.51.100.1'));
    for (const row of corpus.filter((_, i) => i % 3 === 0)) {
      const parsed = parseCorefile(`. {\n${row.input}\n}\n`);
      if (parsed.model.blocks.length === 0) continue;
      const srv = new CorefileServer(parsed.model, { cluster, nodeResolvers: ['192.0.2.53'] }, io);
      const r = await srv.handle(query('www.example.org'), { ip: '10.245.1.20', port: 1234, proto: 'udp' });
      if (r) expect(typeof r.rcode).toBe('string');
    }
  });

  it('random query names never make explain throw', () => {
    const m = parseCorefile(kubeadm).model;
    const label = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 8 }), fc.constantFrom('A', 'AAAA', 'PTR', 'SRV', 'TXT', 'DS', 'ANY'), fc.constantFrom('', '.svc.cluster.local', '.in-addr.arpa', '.pod.cluster.local'), (labels, type, suffix) => {
        const e = explain(m, { name: labels.join('.') + suffix, type, client: '10.245.1.20' }, { cluster });
        return typeof e.rcode === 'string';
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
