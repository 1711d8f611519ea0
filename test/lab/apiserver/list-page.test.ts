import { describe, expect, it } from 'vitest';
import { listPage } from '../../../src/lab/apiserver/list-page.js';
import { tableJson, toTable } from '../../../src/lab/apiserver/tables.js';
import { ObjectStore, type KubeObject } from '../../../src/lab/state/object-store.js';
import { findResource } from '../../../src/lab/state/resources.js';

const pods = findResource('', 'v1', 'pods')!;

function storeWith(names: [ns: string, name: string, phase: string][]): ObjectStore {
  const store = new ObjectStore(() => new Date('2026-01-01T00:00:00Z'), '0123456789abcdef01');
  for (const [namespace, name, phase] of names) {
    store.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: name.split('-')[0]! } }, spec: { nodeName: 'n1', containers: [] }, status: { phase } });
  }
  return store;
}

const names = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

/** Every page of a list, following the continue keys, as the pages' names. */
function allPages(store: ObjectStore, limit: number, match?: (o: KubeObject) => boolean): string[][] {
  const pages: string[][] = [];
  let after: string | undefined;
  do {
    const page = listPage(store, { resource: 'pods', limit, ...(match ? { match } : {}), ...(after !== undefined ? { after } : {}) });
    pages.push(names(page.items));
    after = page.continueAfter;
  } while (after !== undefined);
  return pages;
}

describe('lab API list pages', () => {
  it('keeps its sorted list in key order through creates and deletes after the list was first read', () => {
    const store = storeWith([['b', 'x', 'Running'], ['a', 'y', 'Running']]);
    expect(names(store.list('pods'))).toEqual(['a/y', 'b/x']);
    store.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'z', namespace: 'a' }, spec: {} });
    store.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'b' }, spec: {} });
    store.delete('pods', 'b', 'x');
    // "a-1/..." sorts before "a/..." in byte order ('-' < '/'), as etcd keys do.
    store.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'a-1' }, spec: {} });
    expect(names(store.list('pods'))).toEqual(['a-1/q', 'a/y', 'a/z', 'b/a']);
    expect(names(store.list('pods', 'a'))).toEqual(['a/y', 'a/z']);
    const updated = store.update('pods', { ...store.get('pods', 'a', 'y')!, status: { phase: 'Failed' } });
    expect(store.list('pods')[1]).toBe(updated);
  });

  it('pages without selectors with the count of what remains, and no continue after the last page', () => {
    const store = storeWith(Array.from({ length: 7 }, (_, i) => ['ns', `p${i}`, 'Running'] as [string, string, string]));
    const first = listPage(store, { resource: 'pods', limit: 3 });
    expect(first).toMatchObject({ remaining: 4, continueAfter: 'ns/p2' });
    expect(allPages(store, 3)).toEqual([['ns/p0', 'ns/p1', 'ns/p2'], ['ns/p3', 'ns/p4', 'ns/p5'], ['ns/p6']]);
    expect(listPage(store, { resource: 'pods', limit: 3, after: 'ns/p3' }).remaining).toBe(0);
  });

  it('pages a filtered list by matches, and hands out no continue when nothing further matches', () => {
    const store = storeWith(Array.from({ length: 9 }, (_, i) => ['ns', `p${i}`, i % 3 === 0 ? 'Running' : 'Pending'] as [string, string, string]));
    const running = (o: KubeObject) => (o['status'] as { phase: string }).phase === 'Running';
    expect(allPages(store, 2, running)).toEqual([['ns/p0', 'ns/p3'], ['ns/p6']]);
    // Exactly a page of matches and none after: no empty last page.
    expect(allPages(store, 3, running)).toEqual([['ns/p0', 'ns/p3', 'ns/p6']]);
    expect(listPage(store, { resource: 'pods', limit: 2, match: running }).remaining).toBeUndefined();
  });

  it('looks a bounded way past a full filtered page, then continues after the last object it examined', () => {
    // One match, then 20 that do not, then one: with limit 1 the look-ahead (4 pages) stops short of the second match.
    const store = storeWith([['ns', 'a0', 'Running'], ...Array.from({ length: 20 }, (_, i) => ['ns', `b${String(i).padStart(2, '0')}`, 'Pending'] as [string, string, string]), ['ns', 'c0', 'Running']]);
    const running = (o: KubeObject) => (o['status'] as { phase: string }).phase === 'Running';
    const first = listPage(store, { resource: 'pods', limit: 1, match: running });
    expect(first).toEqual({ items: [store.get('pods', 'ns', 'a0')], continueAfter: 'ns/b03' });
    expect(allPages(store, 1, running).flat()).toEqual(['ns/a0', 'ns/c0']);
  });

  it('builds the same Table text as the Table object gives, for every includeObject', () => {
    const store = storeWith([['ns', 'web-1', 'Running'], ['ns', 'web-2', 'Pending']]);
    const items = store.list('pods');
    for (const includeObject of [null, 'None', 'Metadata', 'Object']) {
      const opts = { resourceVersion: '7', continue: 'abc', includeObject, now: Date.parse('2026-01-02T00:00:00Z') };
      expect(tableJson('pods', items, opts)).toBe(JSON.stringify(toTable('pods', items, opts)));
    }
  });
});
