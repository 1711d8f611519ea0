/**
 * RFC 7386 JSON merge patches that turn one value into another exactly (lists replaced whole,
 * removed keys set to null). Used to put a workload's pod template fields back as they were.
 */

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The merge patch that, applied to `current`, yields `target` (undefined/null target → null = delete). */
export function mergePatchTo(current: unknown, target: unknown): unknown {
  if (target === undefined || target === null) return null;
  if (isPlainObject(current) && isPlainObject(target)) {
    const out: Record<string, unknown> = {};
    for (const k of new Set([...Object.keys(current), ...Object.keys(target)])) {
      if (target[k] === undefined || target[k] === null) {
        if (current[k] !== undefined && current[k] !== null) out[k] = null;
      } else if (!jsonEqual(current[k], target[k])) {
        out[k] = mergePatchTo(current[k], target[k]);
      }
    }
    return out;
  }
  return target;
}

/** Apply an RFC 7386 merge patch (for tests and for previewing a rollback). */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(doc) ? { ...doc } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
