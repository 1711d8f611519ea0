/** Query → server block: longest zone, views with fallback, plugin-less blocks, DS, REFUSED, listeners. */
import { describe, expect, it } from 'vitest';
import { explain } from '../../../../src/core/corefile/evaluate/index.js';
import { cluster, model } from './fixtures.js';

const c = '10.245.1.20';

describe('server block selection', () => {
  const text = [
    '.:53 {\n    whoami\n}',
    'example.org:53 {\n    hosts {\n        10.0.0.1 a.example.org\n        fallthrough\n    }\n    forward . 192.0.2.1\n}',
    'sub.example.org:53 {\n    forward . 192.0.2.2\n}',
    'example.org:5353 {\n    forward . 192.0.2.3\n}',
    'empty.example.org {\n}',
  ].join('\n');
  const m = model(text);

  it('picks the longest zone by label', () => {
    expect(explain(m, { name: 'x.sub.example.org', type: 'A', client: c }, {}).forwardTo).toEqual([{ ip: '192.0.2.2', port: 53 }]);
    expect(explain(m, { name: 'x.example.org', type: 'A', client: c }, {}).forwardTo).toEqual([{ ip: '192.0.2.1', port: 53 }]);
    // "notsub.example.org" is not below "sub.example.org" (label boundary).
    expect(explain(m, { name: 'notsub.example.org', type: 'A', client: c }, {}).forwardTo).toEqual([{ ip: '192.0.2.1', port: 53 }]);
    expect(explain(m, { name: 'google.com', type: 'A', client: c }, {}).plugin).toBe('whoami');
  });

  it('keeps ports apart', () => {
    const e = explain(m, { name: 'x.example.org', type: 'A', client: c, port: 5353 }, {});
    expect(e.forwardTo).toEqual([{ ip: '192.0.2.3', port: 53 }]);
    expect(explain(m, { name: 'google.com', type: 'A', client: c, port: 5353 }, {})).toMatchObject({ rcode: 'REFUSED', serverBlock: null });
    expect(explain(m, { name: 'google.com', type: 'A', client: c, port: 9999 }, {}).rcode).toBe('REFUSED');
  });

  it('answers REFUSED for a zone whose block has no plugins', () => {
    const e = explain(m, { name: 'x.empty.example.org', type: 'A', client: c }, {});
    expect(e).toMatchObject({ rcode: 'REFUSED', plugin: null });
    expect(e.serverBlock!.keys).toEqual(['empty.example.org']);
  });

  it('routes DS to the shortest matching zone (parent side)', () => {
    const e = explain(m, { name: 'x.sub.example.org', type: 'DS', client: c }, {});
    expect(e.serverBlock!.keys).toEqual(['example.org:53']);
  });

  it('refuses names no block serves', () => {
    const only = model('cluster.local:53 {\n    kubernetes\n}\n');
    const e = explain(only, { name: 'google.com', type: 'A', client: c }, { cluster });
    expect(e).toMatchObject({ rcode: 'REFUSED', serverBlock: null });
  });

  it('falls back to shorter zones when no view of a zone matches', () => {
    const v = model([
      'corp.example {\n    view office {\n        expr incidr(client_ip(), \'10.1.0.0/16\')\n    }\n    forward . 192.0.2.10\n}',
      '.:53 {\n    forward . 192.0.2.99\n}',
    ].join('\n'));
    const office = explain(v, { name: 'wiki.corp.example', type: 'A', client: '10.1.2.3' }, {});
    expect(office).toMatchObject({ view: 'office', forwardTo: [{ ip: '192.0.2.10', port: 53 }] });
    const other = explain(v, { name: 'wiki.corp.example', type: 'A', client: '10.2.2.3' }, {});
    expect(other).toMatchObject({ view: null, forwardTo: [{ ip: '192.0.2.99', port: 53 }] });
    expect(other.viewsConsidered).toEqual([expect.objectContaining({ view: 'office', matched: false })]);
  });

  it('a view can select by the client pod namespace (metadata + kubernetes pods verified)', () => {
    const v = model([
      ". {\n    view shop {\n        expr metadata('kubernetes/client-namespace') == 'shop'\n    }\n    metadata\n    kubernetes cluster.local {\n        pods verified\n    }\n    forward . 192.0.2.10\n}",
      '.:53 {\n    forward . 192.0.2.99\n}',
    ].join('\n'));
    const shop = explain(v, { name: 'x.example', type: 'A', client: '10.245.3.10' }, { cluster });
    expect(shop).toMatchObject({ view: 'shop', forwardTo: [{ ip: '192.0.2.10', port: 53 }] });
    const other = explain(v, { name: 'x.example', type: 'A', client: '10.245.1.20' }, { cluster });
    expect(other.view).toBeNull();
    const noMeta = model(". {\n    view shop {\n        expr metadata('kubernetes/client-namespace') == 'shop'\n    }\n    kubernetes cluster.local {\n        pods verified\n    }\n    forward . 192.0.2.10\n}\n.:53 {\n    forward . 192.0.2.99\n}\n");
    expect(explain(noMeta, { name: 'x.example', type: 'A', client: '10.245.3.10' }, { cluster }).view).toBeNull();
  });

  it('an unfiltered block before a view block of the same zone shadows it', () => {
    const v = model([
      '.:53 {\n    forward . 192.0.2.99\n}',
      '. {\n    view late {\n        expr incidr(client_ip(), \'10.0.0.0/8\')\n    }\n    forward . 192.0.2.10\n}',
    ].join('\n'), undefined, undefined, ['zone overlap']);
    const e = explain(v, { name: 'x.example', type: 'A', client: '10.1.1.1' }, {});
    expect(e).toMatchObject({ view: null, forwardTo: [{ ip: '192.0.2.99', port: 53 }], viewsConsidered: [] });
  });

  it('a view whose expression does not compile never matches, and says why', () => {
    const v = model('. {\n    view bad {\n        expr name() == "a."\n    }\n    forward . 192.0.2.10\n}\n.:53 {\n    forward . 192.0.2.99\n}\n');
    const e = explain(v, { name: 'a', type: 'A', client: c }, {});
    expect(e.forwardTo).toEqual([{ ip: '192.0.2.99', port: 53 }]);
    expect(e.viewsConsidered[0]!.reason).toContain('cannot compile');
  });

  it('a rewrite never re-routes to another server block', () => {
    const r = model([
      '.:53 {\n    rewrite name exact db.internal nginx.default.svc.cluster.local\n    forward . 192.0.2.1\n}',
      'cluster.local:53 {\n    kubernetes\n}',
    ].join('\n'));
    const e = explain(r, { name: 'db.internal', type: 'A', client: c }, { cluster });
    expect(e.serverBlock!.keys).toEqual(['.:53']);
    expect(e.rewrittenName).toBe('nginx.default.svc.cluster.local.');
    expect(e.plugin).toBe('forward');
  });

  it('a chain where everything passes ends in SERVFAIL', () => {
    const e = explain(model('.:53 {\n    forward example.org 192.0.2.1\n}\n'), { name: 'google.com', type: 'A', client: c }, {});
    expect(e).toMatchObject({ rcode: 'SERVFAIL', plugin: null });
  });

  it('the empty Corefile serves whoami', () => {
    const e = explain(model('# nothing here\n'), { name: 'anything.example', type: 'A', client: c }, {});
    expect(e.plugin).toBe('whoami');
    expect(e.additional[0]!.data).toBe(c);
  });
});
