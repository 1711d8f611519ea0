/**
 * The lab's in-memory object store: Kubernetes objects as plain JSON, by resource, with one
 * resourceVersion counter that every write increments (as etcd's revision does), and change
 * listeners that drive the lab's controllers (endpoints, rollouts, CoreDNS reloads).
 */
import type { ResourceType } from './resources.js';
import { resourceTypes } from './resources.js';

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
  private readonly byResource = new Map<string, Map<string, KubeObject>>();
  private revision = 0;
  private uidCounter = 0;
  private readonly listeners: ChangeListener[] = [];

  constructor(
    /** Clock for creationTimestamp (the lab's start time plus offsets keeps output stable). */
    private readonly now: () => Date,
    /** Seed-derived prefix for uids, so a lab with the same seed gives the same uids. */
    private readonly uidPrefix: string,
  ) {
    for (const t of resourceTypes) this.byResource.set(t.plural, new Map());
  }

  /** The current resourceVersion (last write). */
  get resourceVersion(): string {
    return String(this.revision);
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  offChange(listener: ChangeListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byResource.get(resource)?.get(key(namespace, name));
  }

  /** Objects of a resource, in one namespace or all, sorted by namespace then name (as etcd keys are). */
  list(resource: string, namespace?: string): KubeObject[] {
    const all = [...(this.byResource.get(resource)?.values() ?? [])];
    const out = namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
    return out.sort((a, b) => key(a.metadata.namespace, a.metadata.name).localeCompare(key(b.metadata.namespace, b.metadata.name)));
  }

  /** Stores a new object: fills uid, creationTimestamp, generation, resourceVersion. Throws if it exists. */
  create(t: ResourceType, obj: KubeObject): KubeObject {
    const map = this.byResource.get(t.plural)!;
    const k = key(obj.metadata.namespace, obj.metadata.name);
    if (map.has(k)) throw new Error(`exists: ${t.plural}/${k}`);
    const stored = structuredClone(obj);
    stored.metadata.uid ??= this.newUid();
    stored.metadata.creationTimestamp ??= this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    if (t.plural === 'deployments' || t.plural === 'replicasets') stored.metadata.generation ??= 1;
    stored.metadata.resourceVersion = String(++this.revision);
    map.set(k, stored);
    this.emit({ type: 'ADDED', resource: t.plural, object: stored });
    return stored;
  }

  /** Replaces an object (no precondition here: the API layer checks it); bumps resourceVersion. */
  update(resource: string, obj: KubeObject): KubeObject {
    const map = this.byResource.get(resource)!;
    const k = key(obj.metadata.namespace, obj.metadata.name);
    const previous = map.get(k);
    if (!previous) throw new Error(`missing: ${resource}/${k}`);
    const stored = structuredClone(obj);
    stored.metadata.uid = previous.metadata.uid;
    stored.metadata.creationTimestamp = previous.metadata.creationTimestamp;
    if (previous.metadata.generation !== undefined) {
      const specChanged = JSON.stringify(previous['spec']) !== JSON.stringify(stored['spec']);
      stored.metadata.generation = previous.metadata.generation + (specChanged ? 1 : 0);
    }
    stored.metadata.resourceVersion = String(++this.revision);
    map.set(k, stored);
    this.emit({ type: 'MODIFIED', resource, object: stored, previous });
    return stored;
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const map = this.byResource.get(resource)!;
    const k = key(namespace, name);
    const previous = map.get(k);
    if (!previous) return undefined;
    map.delete(k);
    const gone = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(++this.revision) } };
    this.emit({ type: 'DELETED', resource, object: gone });
    return gone;
  }

  private newUid(): string {
    const n = (++this.uidCounter).toString(16).padStart(12, '0');
    return `${this.uidPrefix.slice(0, 8)}-${this.uidPrefix.slice(8, 12)}-4${this.uidPrefix.slice(12, 15)}-8${this.uidPrefix.slice(15, 18)}-${n}`;
  }

  private emit(change: Change): void {
    for (const l of this.listeners) l(change);
  }
}

function key(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
