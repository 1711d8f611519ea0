/**
 * One page of a list (limit/continue) read from the store's sorted list without copying or
 * filtering the whole resource: the continue key is found by binary search and only the page (and
 * a bounded look-ahead) is examined, so the 60th page of a 30,000-pod list costs what the first does.
 */
import type { KubeObject } from '../state/object-store.js';
import { key, type ObjectStore } from '../state/object-store.js';

export interface ListPage {
  items: KubeObject[];
  /** Key of the last object examined, when more may follow (the next page starts after it). */
  continueAfter?: string;
  /** Objects after this page: known only without selectors, as on the real server. */
  remaining?: number;
}

export interface ListPageQuery {
  resource: string;
  namespace?: string;
  /** The selectors, or undefined when the request has none. */
  match?: (o: KubeObject) => boolean;
  /** Resume after this key (from the continue token). */
  after?: string;
  /** At most this many items; 0 for all. */
  limit: number;
}

/**
 * How far past a full page of a filtered list the server looks for one more match before it hands
 * out a continue token anyway: a page never costs more than a few pages' worth of objects, at the
 * price of a possible last page that is empty (the real server, which reads etcd in chunks of the
 * limit, gives such pages too).
 */
const lookAheadPages = 4;

export function listPage(store: ObjectStore, q: ListPageQuery): ListPage {
  const view = store.sortedView(q.resource, q.namespace);
  const start = q.after !== undefined ? store.sortedIndexAfter(q.resource, q.namespace, q.after) : 0;
  const limit = q.limit > 0 ? q.limit : Infinity;
  if (!q.match) {
    const items = view.slice(start, start + limit);
    const remaining = view.length - start - items.length;
    const last = items.at(-1);
    return { items, remaining, ...(remaining > 0 && last ? { continueAfter: keyOf(last) } : {}) };
  }
  const items: KubeObject[] = [];
  let i = start;
  for (; i < view.length && items.length < limit; i++) if (q.match(view[i]!)) items.push(view[i]!);
  if (i >= view.length) return { items };
  // The page is full: more follow only if another object matches (looked for within the bound).
  const bound = Math.min(view.length, i + lookAheadPages * Math.max(1, q.limit));
  for (let j = i; j < bound; j++) if (q.match(view[j]!)) return { items, continueAfter: keyOf(view[i - 1]!) };
  if (bound >= view.length) return { items };
  return { items, continueAfter: keyOf(view[bound - 1]!) };
}

const keyOf = (o: KubeObject): string => key(o.metadata.namespace, o.metadata.name);
