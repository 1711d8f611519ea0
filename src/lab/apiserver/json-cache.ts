/**
 * The JSON text of stored objects, kept per object: the store replaces an object on every write
 * (a new resourceVersion is a new object), so text made once serves every later list of it until
 * the next write. A 500-pod page then costs a join, not a JSON.stringify of 500 pods; the texts go
 * when their objects do (weak keys).
 */
import type { KubeObject } from '../state/object-store.js';

interface Texts {
  resourceVersion: string | undefined;
  item?: string;
  metadata?: string;
}

const texts = new WeakMap<KubeObject, Texts>();

function textsOf(o: KubeObject): Texts {
  let t = texts.get(o);
  // The resourceVersion check guards against an object changed in place (a bug elsewhere) being served stale.
  if (!t || t.resourceVersion !== o.metadata.resourceVersion) texts.set(o, (t = { resourceVersion: o.metadata.resourceVersion }));
  return t;
}

/** The object as an item of a list: without kind and apiVersion (the real server's list items carry neither). */
export function itemJson(o: KubeObject): string {
  const t = textsOf(o);
  if (t.item === undefined) {
    const { kind: _k, apiVersion: _a, ...rest } = o;
    t.item = JSON.stringify(rest);
  }
  return t.item;
}

/** The object's metadata (a Table row's PartialObjectMetadata). */
export function metadataJson(o: KubeObject): string {
  const t = textsOf(o);
  t.metadata ??= JSON.stringify(o.metadata);
  return t.metadata;
}
