/**
 * What makes bytes or text unfit for a text input, in words that name it: UTF-16 (with or without
 * a byte order mark), a binary file (a NUL byte), a control character in a name. Pure.
 */

/** The name of a control character for messages ("U+0007"). */
function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * "control character U+0007 at position 8" for the first C0/C1 control character (tab, newline and
 * the like included: none belongs in a DNS or Kubernetes name), or undefined.
 * @param text - the name as typed; positions count from 1
 */
export function controlCharacterIn(text: string): string | undefined {
  const m = /[\u0000-\u001f\u007f-\u009f]/u.exec(text);
  return m ? `control character ${codePoint(m[0])} at position ${m.index + 1}` : undefined;
}

/**
 * Why bytes are not UTF-8 text, or undefined when they may be: "is UTF-16 text (…)" or "is a binary
 * file (a NUL byte at offset N)". Only the first 64 KiB are looked at.
 */
export function nonTextReason(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return `is UTF-16 text (byte order mark ${bytes[0] === 0xff ? 'FF FE, little-endian' : 'FE FF, big-endian'})`;
  }
  const n = Math.min(bytes.length, 65536);
  const nul = bytes.subarray(0, n).indexOf(0);
  if (nul === -1) return undefined;
  // UTF-16 without a byte order mark: ASCII text has a NUL in every other byte.
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) (i % 2 === 0 ? even++ : odd++);
  const half = Math.floor(n / 2);
  if (half > 0 && (odd >= half * 0.9 || even >= half * 0.9) && Math.min(odd, even) === 0) {
    return `is UTF-16 text (no byte order mark, ${odd > even ? 'little' : 'big'}-endian)`;
  }
  return `is a binary file (a NUL byte at offset ${nul})`;
}
