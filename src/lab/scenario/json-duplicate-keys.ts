/**
 * Repeated keys in one JSON object: JSON.parse keeps the last one silently, while a scenario in
 * YAML gets an error for them. One pass over the text (strings skipped with their escapes), so a
 * large generated scenario is checked in a fraction of what parsing it as YAML would cost.
 */

/** A repeated key: the key and the 1-based line of its second occurrence. */
export interface DuplicateKey {
  key: string;
  line: number;
}

/** The first repeated key of any object in `text` (valid JSON), or undefined. */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  // One entry per open container: the keys seen so far (objects) or null (arrays).
  const open: (Set<string> | null)[] = [];
  let line = 1;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line += 1;
    else if (c === 123 /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 91 /* [ */) {
      open.push(null);
      expectKey = false;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 44 /* , */) {
      expectKey = open[open.length - 1] instanceof Set;
    } else if (c === 34 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (escaped) escaped = false;
        else if (d === 92 /* \ */) escaped = true;
        else if (d === 34) break;
      }
      if (expectKey) {
        const keys = open[open.length - 1] as Set<string>;
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return { key, line };
        keys.add(key);
        expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
}
