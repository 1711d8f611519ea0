/** DNS name helpers for checks: comparison is case-insensitive and ignores the trailing dot. */

/** Lower-case name without its trailing dot ("S3.Example.org." → "s3.example.org"). */
export function normName(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}

/** True when `name` equals `zone` or lies below it. The root zone "." contains every name. */
export function isUnder(name: string, zone: string): boolean {
  const n = normName(name);
  const z = normName(zone);
  if (z === '') return true;
  return n === z || n.endsWith(`.${z}`);
}

/** The parent of a name ("a.b.example" → "b.example"); the root for a single label. */
export function parentOf(name: string): string {
  const n = normName(name);
  const i = n.indexOf('.');
  return i < 0 ? '' : n.slice(i + 1);
}

/** Absolute form for display and for the Corefile engine ("example.org" → "example.org."). */
export function fqdn(name: string): string {
  const n = normName(name);
  return n === '' ? '.' : `${n}.`;
}

/** Addresses (A/AAAA data) of a record list, sorted and unique. */
export function addressesOf(records: readonly { type: string; data: string }[]): string[] {
  return [...new Set(records.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.data))].sort();
}

/** Same set of strings. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** "a, b and c". */
export function listText(items: readonly string[], conj = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conj} ${items[items.length - 1]}`;
}
