/**
 * get, list (label/field selectors, limit/continue, Table), watch, create, update (PUT), patch
 * (merge, strategic, JSON) with resourceVersion preconditions and dryRun, delete: for every resource.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Change, KubeObject } from '../state/object-store.js';
import { apiVersionOf, type ResourceType } from '../state/resources.js';
import type { ApiBackend } from './backend.js';
import { readBody, readJson, sendJson, sendJsonText } from './http-util.js';
import { itemJson } from './json-cache.js';
import { listPage } from './list-page.js';
import { applyJsonPatch, mergePatch, strategicMerge } from './patch-merge.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  invalid,
  methodNotAllowed,
  notFound,
  unsupportedMediaType,
} from './status.js';
import { tableJson, toTable, wantsTable } from './tables.js';
import { validateObject } from './validation.js';

export interface ResourceTarget {
  t: ResourceType;
  namespace?: string;
  name?: string;
}

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** An object as the API returns it: with kind and apiVersion. */
export function withType(t: ResourceType, o: KubeObject): KubeObject {
  return { ...o, apiVersion: apiVersionOf(t), kind: t.kind };
}

export function isDryRun(url: URL): boolean {
  const v = url.searchParams.getAll('dryRun');
  if (v.some((x) => x !== 'All')) throw badRequest(`dryRun: Unsupported value: "${v.find((x) => x !== 'All')}": supported values: "All"`);
  return v.length > 0;
}

export function getOr404(backend: ApiBackend, t: ResourceType, namespace: string | undefined, name: string): KubeObject {
  const o = backend.store.get(t.plural, namespace, name);
  if (!o) throw notFound(t, name);
  return o;
}

export async function handleResource(req: IncomingMessage, res: ServerResponse, url: URL, target: ResourceTarget, backend: ApiBackend): Promise<void> {
  const { t, namespace, name } = target;
  const method = req.method ?? 'GET';
  if (t.namespaced && namespace && !backend.store.get('namespaces', undefined, namespace) && method === 'POST') {
    throw notFound({ plural: 'namespaces', group: '' }, namespace);
  }
  if (name === undefined) {
    if (method === 'GET') return list(req, res, url, target, backend);
    if (method === 'POST') return create(req, res, url, target, backend);
    throw methodNotAllowed();
  }
  switch (method) {
    case 'GET': {
      const o = getOr404(backend, t, namespace, name);
      if (wantsTable(req.headers.accept)) {
        return sendJson(res, 200, toTable(t.plural, [o], { resourceVersion: backend.store.resourceVersion, includeObject: url.searchParams.get('includeObject') }));
      }
      return sendJson(res, 200, withType(t, o));
    }
    case 'PUT':
      return update(req, res, url, target as Required<ResourceTarget>, backend);
    case 'PATCH':
      return patch(req, res, url, target as Required<ResourceTarget>, backend);
    case 'DELETE':
      return remove(res, url, target as Required<ResourceTarget>, backend);
    default:
      throw methodNotAllowed();
  }
}

function list(req: IncomingMessage, res: ServerResponse, url: URL, { t, namespace }: ResourceTarget, backend: ApiBackend): void {
  const labelText = url.searchParams.get('labelSelector');
  const fieldText = url.searchParams.get('fieldSelector');
  const labels = parseLabelSelector(labelText);
  const fields = parseFieldSelector(fieldText, t.plural);
  const match = (o: KubeObject) => labels(o.metadata.labels) && fields(o);
  if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
    return watch(req, res, url, t, namespace, backend, match);
  }
  const rv = backend.store.resourceVersion;
  // The continue token names the last key served, as the real server's does (it resumes after that
  // etcd key): a pod created or deleted between two pages moves no other pod across a page boundary.
  const token = url.searchParams.get('continue');
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const page = listPage(backend.store, {
    resource: t.plural,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(labelText || fieldText ? { match } : {}),
    ...(token ? { after: continueKeyOf(token) } : {}),
    limit,
  });
  const cont = limit > 0 && page.continueAfter !== undefined ? Buffer.from(JSON.stringify({ start: page.continueAfter, rv })).toString('base64') : undefined;
  if (wantsTable(req.headers.accept)) {
    return sendJsonText(res, 200, tableJson(t.plural, page.items, { resourceVersion: rv, ...(cont ? { continue: cont } : {}), includeObject: url.searchParams.get('includeObject') }));
  }
  const metadata = { resourceVersion: rv, ...(cont ? { continue: cont, ...(page.remaining !== undefined ? { remainingItemCount: page.remaining } : {}) } : {}) };
  const head = JSON.stringify({ kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata });
  // Items of a list carry no kind/apiVersion on the real server either (itemJson leaves them out).
  sendJsonText(res, 200, `${head.slice(0, -1)},"items":[${page.items.map(itemJson).join(',')}]}`);
}

function continueKeyOf(token: string): string {
  try {
    const start: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8')).start;
    if (typeof start !== 'string') throw new Error('start');
    return start;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/** Open watches per lab (by its store), ended when that lab's server stops. */
const watchesByStore = new WeakMap<object, Set<ServerResponse>>();

export function openWatches(backend: ApiBackend): Set<ServerResponse> {
  let set = watchesByStore.get(backend.store);
  if (!set) watchesByStore.set(backend.store, (set = new Set()));
  return set;
}

function watch(req: IncomingMessage, res: ServerResponse, url: URL, t: ResourceType, namespace: string | undefined, backend: ApiBackend, match: (o: KubeObject) => boolean): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  const watches = openWatches(backend);
  watches.add(res);
  // `kubectl get -w` asks for Tables: each event then carries a one-row Table (columns on the first only).
  const table = wantsTable(req.headers.accept);
  let first = true;
  const send = (type: string, o: KubeObject) => {
    if (res.writableEnded) return;
    let object: unknown = withType(t, o);
    if (table) {
      const tbl = toTable(t.plural, [o], { resourceVersion: o.metadata.resourceVersion ?? backend.store.resourceVersion, includeObject: url.searchParams.get('includeObject') }) as { columnDefinitions: unknown[] };
      if (!first) tbl.columnDefinitions = [];
      first = false;
      object = tbl;
    }
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const since = url.searchParams.get('resourceVersion');
  if (!since || since === '0') for (const o of backend.store.list(t.plural, namespace).filter(match)) send('ADDED', o);
  const listener = (ch: Change) => {
    if (ch.resource !== t.plural) return;
    if (namespace && ch.object.metadata.namespace !== namespace) return;
    if (match(ch.object)) send(ch.type, ch.object);
  };
  backend.store.onChange(listener);
  const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
  const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
  const close = () => {
    backend.store.offChange(listener);
    if (timer) clearTimeout(timer);
    watches.delete(res);
  };
  req.on('close', close);
  res.on('close', close);
}

function checkNameMatches(t: ResourceType, body: any, name: string | undefined, namespace: string | undefined): void {
  if (name !== undefined && body?.metadata?.name !== undefined && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (t.namespaced && namespace && body?.metadata?.namespace !== undefined && body.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

function checkKind(t: ResourceType, body: any): void {
  if (body?.kind !== undefined && body.kind !== t.kind) {
    throw badRequest(`object kind "${body.kind}" does not match the expected kind "${t.kind}"`);
  }
}

async function create(req: IncomingMessage, res: ServerResponse, url: URL, { t, namespace }: ResourceTarget, backend: ApiBackend): Promise<void> {
  const body = (await readJson(req)) as any;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body of the request must be a JSON object');
  checkKind(t, body);
  checkNameMatches(t, body, undefined, namespace);
  body.metadata ??= {};
  if (!body.metadata.name && body.metadata.generateName) {
    const store = backend.store;
    let n = 0;
    do body.metadata.name = `${body.metadata.generateName}${suffixFor(body.metadata.generateName, store.resourceVersion, n++)}`;
    while (store.get(t.plural, namespace, body.metadata.name));
  }
  if (t.namespaced) body.metadata.namespace = namespace;
  delete body.metadata.resourceVersion;
  delete body.metadata.uid;
  const causes = validateObject(t.kind, body);
  if (causes.length) throw invalid(t.kind, t.group, body.metadata.name ?? '', causes);
  if (backend.store.get(t.plural, namespace, body.metadata.name)) throw alreadyExists(t, body.metadata.name);
  const admitted = backend.admitCreate(t, withType(t, body));
  if (isDryRun(url)) return sendJson(res, 201, withType(t, admitted));
  const stored = backend.store.create(t, admitted);
  await backend.afterWrite(t, 'ADDED', stored);
  sendJson(res, 201, withType(t, backend.store.get(t.plural, namespace, stored.metadata.name) ?? stored));
}

/** A deterministic 5-character suffix for generateName (seeded through the store's revision). */
function suffixFor(prefix: string, rv: string, n: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let h = 0x811c9dc5;
  for (const ch of `${prefix}|${rv}|${n}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += alphabet[h % alphabet.length];
    h = Math.floor(h / alphabet.length) + Math.imul(h, 31 + i) >>> 0;
  }
  return out;
}

/** Stores an updated object after preconditions and validation; shared by PUT, PATCH and pod subresources. */
export async function commitUpdate(
  res: ServerResponse,
  url: URL,
  t: ResourceType,
  current: KubeObject,
  next: any,
  backend: ApiBackend,
  extraValidation: (next: any, old: KubeObject) => { field?: string; message: string; reason: string }[] = () => [],
): Promise<void> {
  const name = current.metadata.name;
  checkNameMatches(t, next, name, current.metadata.namespace);
  if (!next || typeof next !== 'object' || Array.isArray(next)) throw badRequest('the body of the request must be a JSON object');
  next.metadata ??= {};
  const wanted = next.metadata.resourceVersion;
  if (wanted !== undefined && wanted !== '' && wanted !== current.metadata.resourceVersion) throw conflict(t, name);
  next.metadata = { ...next.metadata, name, ...(current.metadata.namespace ? { namespace: current.metadata.namespace } : {}), uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp };
  next.kind = t.kind;
  next.apiVersion = apiVersionOf(t);
  // Status is not writable through the main resource (a subresource owns it).
  if (t.plural !== 'configmaps' && current['status'] !== undefined) next.status = current['status'];
  const causes = [...validateObject(t.kind, next, current), ...extraValidation(next, current)];
  if (causes.length) throw invalid(t.kind, t.group, name, causes);
  if (isDryRun(url)) {
    return sendJson(res, 200, withType(t, { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } }));
  }
  if (JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: undefined } }) === JSON.stringify({ ...withType(t, current), metadata: { ...current.metadata, resourceVersion: undefined } })) {
    // A no-op write does not bump resourceVersion (as etcd with an unchanged object).
    return sendJson(res, 200, withType(t, current));
  }
  const stored = backend.store.update(t.plural, next);
  await backend.afterWrite(t, 'MODIFIED', stored, current);
  sendJson(res, 200, withType(t, stored));
}

async function update(req: IncomingMessage, res: ServerResponse, url: URL, { t, namespace, name }: Required<ResourceTarget>, backend: ApiBackend): Promise<void> {
  const current = getOr404(backend, t, namespace, name);
  const body = (await readJson(req)) as any;
  checkKind(t, body);
  await commitUpdate(res, url, t, current, body, backend);
}

/** Applies a PATCH body of the request's content type to `current` (the object as the API returns it). */
export async function patchedObject(req: IncomingMessage, t: ResourceType, current: KubeObject): Promise<any> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!patchTypes.includes(type) || type === 'application/apply-patch+yaml') {
    throw unsupportedMediaType(type, patchTypes);
  }
  const text = await readBody(req);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  const base = withType(t, current) as any;
  if (type === 'application/json-patch+json') return applyJsonPatch(base, body);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type map[string]interface {}`);
  }
  return type === 'application/merge-patch+json' ? mergePatch(base, body as any) : strategicMerge(base, body as any);
}

async function patch(req: IncomingMessage, res: ServerResponse, url: URL, { t, namespace, name }: Required<ResourceTarget>, backend: ApiBackend): Promise<void> {
  const current = getOr404(backend, t, namespace, name);
  const next = await patchedObject(req, t, current);
  await commitUpdate(res, url, t, current, next, backend);
}

async function remove(res: ServerResponse, url: URL, { t, namespace, name }: Required<ResourceTarget>, backend: ApiBackend): Promise<void> {
  const current = getOr404(backend, t, namespace, name);
  if (isDryRun(url)) return sendJson(res, 200, withType(t, current));
  const gone = backend.store.delete(t.plural, namespace, name)!;
  await backend.afterWrite(t, 'DELETED', gone, current);
  if (t.plural === 'pods') {
    // Pods are deleted gracefully: the API returns the object with its deletion timestamp.
    const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return sendJson(res, 200, withType(t, { ...gone, metadata: { ...gone.metadata, deletionTimestamp: ts, deletionGracePeriodSeconds: 30 } }));
  }
  sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, ...(t.group ? { group: t.group } : {}), kind: t.plural, uid: gone.metadata.uid } });
}

export { ApiError };
