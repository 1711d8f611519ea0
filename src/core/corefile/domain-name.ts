/**
 * Domain-name helpers ported from miekg/dns (`IsDomainName`, `Fqdn`) and CoreDNS `plugin.Name`.
 * Lengths are counted in UTF-8 bytes, as Go does.
 */

const utf8 = new TextEncoder();

function isDDD(b: Uint8Array, i: number): boolean {
  return i + 3 <= b.length && isDigit(b[i]) && isDigit(b[i + 1]) && isDigit(b[i + 2]);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** miekg `IsFqdn`: a trailing dot not escaped by an odd number of backslashes. */
export function isFqdn(s: string): boolean {
  if (s === '' || !s.endsWith('.')) return false;
  const t = s.slice(0, -1);
  if (t === '' || !t.endsWith('\\')) return true;
  let i = t.length - 1;
  while (i >= 0 && t[i] === '\\') i--;
  return (t.length - 1 - i) % 2 === 0;
}

/** miekg `Fqdn`. */
export function fqdn(s: string): string {
  return isFqdn(s) ? s : `${s}.`;
}

/** CoreDNS `plugin.Name(s).Normalize()`: lower-case FQDN. */
export function normalizeName(s: string): string {
  return fqdn(s).toLowerCase();
}

/** miekg `IsDomainName`: label ≤ 63 bytes, name ≤ 255 bytes, no empty label except the root. */
export function isDomainName(s: string): boolean {
  const lenmsg = 256;
  if (s.length === 0) return false;
  const b = utf8.encode(fqdn(s));
  let off = 0;
  let begin = 0;
  let wasDot = false;
  let escape = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x5c) {
      escape = !escape;
      if (off + 1 > lenmsg) return false;
      if (isDDD(b, i + 1)) {
        i += 3;
        begin += 3;
      } else {
        i++;
        begin++;
      }
      wasDot = false;
    } else if (c === 0x2e) {
      escape = false;
      if (i === 0 && b.length > 1) return false;
      if (wasDot) return false;
      wasDot = true;
      const labelLen = i - begin;
      if (labelLen >= 64) return false;
      off += 1 + labelLen;
      if (off > lenmsg) return false;
      begin = i + 1;
    } else {
      escape = false;
      wasDot = false;
    }
  }
  return !escape;
}

/** Byte length of a string in UTF-8. */
export function byteLength(s: string): number {
  return utf8.encode(s).length;
}

/** miekg `IsSubDomain(parent, child)` on normalised names (case-insensitive). */
export function isSubDomain(parent: string, child: string): boolean {
  const p = normalizeName(parent);
  const c = normalizeName(child);
  if (p === '.') return true;
  return c === p || c.endsWith(`.${p}`);
}
