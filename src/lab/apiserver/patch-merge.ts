/**
 * The three PATCH flavours the API server accepts for built-in types: JSON merge patch (RFC 7386),
 * strategic merge patch (lists merged by their Kubernetes merge keys, `$patch` directives), and JSON
 * patch (RFC 6902, applied with fast-json-patch).
 */
import { createRequire } from 'node:module';
import type * as FastJsonPatch from 'fast-json-patch';
import { badRequest, ApiError } from './status.js';

// fast-json-patch is CommonJS marked __esModule: a default import differs between Node and vitest, require does not.
// Loaded on first use to keep it off the lab's start-up path.
let fastJsonPatchModule: typeof FastJsonPatch | undefined;
const jsonPatchLib = () => (fastJsonPatchModule ??= createRequire(import.meta.url)('fast-json-patch') as typeof FastJsonPatch);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386: objects merge recursively, null deletes, everything else (arrays included) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/**
 * Merge keys of the list fields that strategic merge patches merge element by element (from the
 * patchMergeKey tags of k8s.io/api). Lists not named here are replaced, as atomic lists are.
 */
export const strategicMergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  hostAliases: 'ip',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};
/** Container ports merge by containerPort; Service ports by port (both are called `ports`). */
const portsKeyByParent = (value: Json[]): string =>
  value.some((p) => isObject(p) && 'containerPort' in p) ? 'containerPort' : 'port';
/** Lists of scalars with patchStrategy merge (union). */
const mergedScalarLists = new Set(['finalizers']);

/** Applies a strategic merge patch. Throws a 400 ApiError for malformed directives. */
export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch['$patch'] === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch['$patch'] === 'delete') return null;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(v)) throw badRequest(`invalid patch: ${k} must be a list`);
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (Array.isArray(v)) {
      const key = k === 'ports' ? portsKeyByParent([...v, ...(Array.isArray(cur) ? cur : [])]) : strategicMergeKeys[k];
      if (key) out[k] = mergeKeyedList(Array.isArray(cur) ? cur : [], v, key, k);
      else if (mergedScalarLists.has(k)) out[k] = [...new Set([...(Array.isArray(cur) ? cur : []), ...v])] as Json[];
      else out[k] = structuredClone(v.filter((x) => !(isObject(x) && x['$patch'] === 'delete')));
    } else if (isObject(v)) {
      const merged = strategicMerge(cur ?? null, v);
      if (merged === null) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  return out;
}

function mergeKeyedList(current: Json[], patch: Json[], key: string, field: string): Json[] {
  if (patch.some((p) => isObject(p) && p['$patch'] === 'replace')) {
    return structuredClone(patch.filter((p) => !(isObject(p) && p['$patch'] === 'replace')));
  }
  const out = [...current];
  for (const item of patch) {
    if (!isObject(item) || item[key] === undefined) {
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key} (in ${field})`);
    }
    const i = out.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item['$patch'] === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) {
      out[i] = strategicMerge(out[i]!, item);
    } else {
      const { $patch: _, ...rest } = item;
      out.push(strategicMerge(null, rest));
    }
  }
  return out;
}

/** RFC 6902 JSON patch. Malformed operations are 400; a failed `test` is 422 as on the real server. */
export function applyJsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  const doc = structuredClone(target);
  try {
    const fastJsonPatch = jsonPatchLib();
    const err = fastJsonPatch.validate(ops as FastJsonPatch.Operation[], doc);
    if (err) throw err;
    return fastJsonPatch.applyPatch(doc, ops as FastJsonPatch.Operation[], false, true).newDocument as Json;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const name = (e as { name?: string }).name;
    const message = (e as Error).message.split('\n')[0]!;
    if (name === 'TEST_OPERATION_FAILED') {
      throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `the server rejected our request due to an error in our request: testing value failed`, reason: 'Invalid', code: 422 });
    }
    throw badRequest(`the server rejected our request due to an error in our request: ${message}`);
  }
}
