/**
 * The lab's in-memory object store: Kubernetes objects as plain JSON, by resource, with one
 * resourceVersion counter that every write increments (as etcd's revision does), and change
 * listeners that drive the lab's controllers (endpoints, rollouts, CoreDNS reloads).
 */
import type { ResourceType } from './resources.js';
import { resourceTypes } from './resources.js';
import { cloneJson } from './clone-json.js';
import { SortedByKey, upperBound } from './sorted-keys.js';

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  generateName?: string;
  deletionTimestamp?: string;
  [key: string]: unknown;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface Change {
  type: ChangeType;
  resource: string;
  object: KubeObject;
  previous?: KubeObject;
}
export type ChangeListener = (change: Change) => void;

export class ObjectStore {
  private readonly byResource = new Map<string, ResourceIndex>();
  private revision = 0;
  private uidCounter = 0;
  private readonly listeners: ChangeListener[] = [];

  constructor(
    /** Clock for creationTimestamp (the lab's start time plus offsets keeps output stable). */
    private readonly now: () => Date,
    /** Seed-derived prefix for uids, so a lab with the same seed gives the same uids. */
    private readonly uidPrefix: string,
  ) {
    for (const t of resourceTypes) this.byResource.set(t.plural, new ResourceIndex());
  }

  /** The current resourceVersion (last write). */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /** The revision of the last write to `resource` (0 before any): caches of derived views compare it. */
  revisionOf(resource: string): number {
    return this.index(resource).revision;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  offChange(listener: ChangeListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byResource.get(resource)?.get(namespace, name);
  }

  /**
   * Objects of a resource, in one namespace or all, sorted by namespace then name (as etcd keys are,
   * byte order). The sorted list is kept in step with writes, so serving it again costs a copy, not a sort.
   */
  list(resource: string, namespace?: string): KubeObject[] {
    return [...this.sortedView(resource, namespace)];
  }

  /**
   * The same sorted list without a copy, for readers that only read it before their next await (the
   * API's list pages): it changes in place with the next write to the resource.
   */
  sortedView(resource: string, namespace?: string): readonly KubeObject[] {
    return this.byResource.get(resource)?.sorted(namespace).items ?? [];
  }

  /** Position in `sortedView(resource, namespace)` of the first object whose key (namespace/name) sorts after `afterKey`. */
  sortedIndexAfter(resource: string, namespace: string | undefined, afterKey: string): number {
    const list = this.byResource.get(resource)?.sorted(namespace);
    return list ? upperBound(list.keys, afterKey) : 0;
  }

  /** Objects of a resource (in one namespace or all) in no particular order, without copying: for scans inside the lab. */
  each(resource: string, namespace?: string): Iterable<KubeObject> {
    return this.byResource.get(resource)?.values(namespace) ?? [];
  }

  /** How many objects a resource has (in one namespace or all). */
  count(resource: string, namespace?: string): number {
    return this.byResource.get(resource)?.count(namespace) ?? 0;
  }

  /** Objects of a resource whose controller (or any owner) has this uid. */
  ownedBy(resource: string, ownerUid: string): KubeObject[] {
    return this.index(resource).ownedBy(ownerUid);
  }

  /** Objects of a resource in a namespace whose labels include every pair of `selector` (an empty selector matches all). */
  withLabels(resource: string, namespace: string, selector: Record<string, string>): KubeObject[] {
    return this.index(resource).withLabels(namespace, selector);
  }

  /** Stores a new object: fills uid, creationTimestamp, generation, resourceVersion. Throws if it exists. */
  create(t: ResourceType, obj: KubeObject): KubeObject {
    const index = this.index(t.plural);
    if (index.get(obj.metadata.namespace, obj.metadata.name)) throw new Error(`exists: ${t.plural}/${key(obj.metadata.namespace, obj.metadata.name)}`);
    const stored = cloneJson(obj);
    stored.metadata.uid ??= this.newUid();
    stored.metadata.creationTimestamp ??= this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    if (t.plural === 'deployments' || t.plural === 'replicasets') stored.metadata.generation ??= 1;
    stored.metadata.resourceVersion = String(++this.revision);
    index.put(stored, undefined, this.revision);
    this.emit({ type: 'ADDED', resource: t.plural, object: stored });
    return stored;
  }

  /** Replaces an object (no precondition here: the API layer checks it); bumps resourceVersion. */
  update(resource: string, obj: KubeObject): KubeObject {
    const index = this.index(resource);
    const previous = index.get(obj.metadata.namespace, obj.metadata.name);
    if (!previous) throw new Error(`missing: ${resource}/${key(obj.metadata.namespace, obj.metadata.name)}`);
    const stored = cloneJson(obj);
    stored.metadata.uid = previous.metadata.uid;
    stored.metadata.creationTimestamp = previous.metadata.creationTimestamp;
    if (previous.metadata.generation !== undefined) {
      const specChanged = JSON.stringify(previous['spec']) !== JSON.stringify(stored['spec']);
      stored.metadata.generation = previous.metadata.generation + (specChanged ? 1 : 0);
    }
    stored.metadata.resourceVersion = String(++this.revision);
    index.put(stored, previous, this.revision);
    this.emit({ type: 'MODIFIED', resource, object: stored, previous });
    return stored;
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const index = this.index(resource);
    const previous = index.get(namespace, name);
    if (!previous) return undefined;
    index.remove(previous, ++this.revision);
    const gone = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(this.revision) } };
    this.emit({ type: 'DELETED', resource, object: gone });
    return gone;
  }

  private index(resource: string): ResourceIndex {
    const index = this.byResource.get(resource);
    if (!index) throw new Error(`unknown resource: ${resource}`);
    return index;
  }

  private newUid(): string {
    const n = (++this.uidCounter).toString(16).padStart(12, '0');
    return `${this.uidPrefix.slice(0, 8)}-${this.uidPrefix.slice(8, 12)}-4${this.uidPrefix.slice(12, 15)}-8${this.uidPrefix.slice(15, 18)}-${n}`;
  }

  private emit(change: Change): void {
    for (const l of this.listeners) l(change);
  }
}

/** namespace/name (name alone when cluster-scoped): the order lists are served in (byte order, as etcd keys). */
export function key(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

const keyOf = (o: KubeObject): string => key(o.metadata.namespace, o.metadata.name);

/**
 * One resource's objects: by namespace and name, with the indexes the lab's controllers and the
 * DNS world ask (owner uid, label pair per namespace) and the sorted lists the API serves.
 */
class ResourceIndex {
  /** namespace ('' for cluster-scoped) → name → object. */
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  private readonly byOwner = new Map<string, Set<KubeObject>>();
  /** `namespace\0key=value` → objects. */
  private readonly byLabel = new Map<string, Set<KubeObject>>();
  /** Sorted lists asked for so far: '\0all' and per namespace. */
  private readonly sortedLists = new Map<string, SortedByKey<KubeObject>>();
  private size = 0;
  revision = 0;

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byNamespace.get(namespace ?? '')?.get(name);
  }

  count(namespace?: string): number {
    return namespace === undefined ? this.size : (this.byNamespace.get(namespace)?.size ?? 0);
  }

  *values(namespace?: string): Iterable<KubeObject> {
    if (namespace !== undefined) {
      yield* this.byNamespace.get(namespace)?.values() ?? [];
      return;
    }
    for (const names of this.byNamespace.values()) yield* names.values();
  }

  /** The objects (of one namespace or all) sorted by key, kept in step with writes (sorted-keys.ts). */
  sorted(namespace?: string): { keys: readonly string[]; items: readonly KubeObject[] } {
    const k = namespace ?? allNamespaces;
    let list = this.sortedLists.get(k);
    if (!list) this.sortedLists.set(k, (list = new SortedByKey(keyOf, () => this.values(namespace))));
    return list.read();
  }

  ownedBy(uid: string): KubeObject[] {
    return [...(this.byOwner.get(uid) ?? [])];
  }

  withLabels(namespace: string, selector: Record<string, string>): KubeObject[] {
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return [...this.values(namespace)];
    let smallest: Set<KubeObject> | undefined;
    for (const [k, v] of pairs) {
      const set = this.byLabel.get(labelKey(namespace, k, v));
      if (!set) return [];
      if (!smallest || set.size < smallest.size) smallest = set;
    }
    return [...smallest!].filter((o) => pairs.every(([k, v]) => o.metadata.labels?.[k] === v));
  }

  put(obj: KubeObject, previous: KubeObject | undefined, revision: number): void {
    if (previous) this.unindex(previous);
    else this.size += 1;
    const ns = obj.metadata.namespace ?? '';
    let names = this.byNamespace.get(ns);
    if (!names) this.byNamespace.set(ns, (names = new Map()));
    names.set(obj.metadata.name, obj);
    this.indexOf(obj);
    this.sortedLists.get(ns)?.put(obj);
    this.sortedLists.get(allNamespaces)?.put(obj);
    this.revision = revision;
  }

  remove(obj: KubeObject, revision: number): void {
    const ns = obj.metadata.namespace ?? '';
    this.byNamespace.get(ns)?.delete(obj.metadata.name);
    this.unindex(obj);
    this.size -= 1;
    this.sortedLists.get(ns)?.remove(keyOf(obj));
    this.sortedLists.get(allNamespaces)?.remove(keyOf(obj));
    this.revision = revision;
  }

  private indexOf(obj: KubeObject): void {
    for (const ref of obj.metadata.ownerReferences ?? []) add(this.byOwner, ref.uid, obj);
    const ns = obj.metadata.namespace ?? '';
    for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) add(this.byLabel, labelKey(ns, k, v), obj);
  }

  private unindex(obj: KubeObject): void {
    for (const ref of obj.metadata.ownerReferences ?? []) drop(this.byOwner, ref.uid, obj);
    const ns = obj.metadata.namespace ?? '';
    for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) drop(this.byLabel, labelKey(ns, k, v), obj);
  }
}

/** The sorted list of every namespace (no namespace name contains a NUL). */
const allNamespaces = '\0all';

function labelKey(namespace: string, k: string, v: string): string {
  return `${namespace}\0${k}=${v}`;
}

function add<K, V>(map: Map<K, Set<V>>, k: K, v: V): void {
  let set = map.get(k);
  if (!set) map.set(k, (set = new Set()));
  set.add(v);
}

function drop<K, V>(map: Map<K, Set<V>>, k: K, v: V): void {
  const set = map.get(k);
  if (!set) return;
  set.delete(v);
  if (set.size === 0) map.delete(k);
}
