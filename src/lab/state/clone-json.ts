/**
 * A deep copy of plain JSON data (objects, arrays, strings, numbers, booleans, null; undefined
 * members kept as structuredClone keeps them). The lab copies every object it stores, 30,000 pods
 * at start-up for a large scenario, and this is about ten times faster than structuredClone for
 * such data. Not for Dates, Maps, class instances or cycles: the store holds none.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = cloneJson((value as Record<string, unknown>)[k]);
  return out as T;
}
