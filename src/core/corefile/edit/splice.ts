/** Text splices on the original Corefile text (the lossless tree's offsets make these exact). */

/** Replace text[start, end) with `text`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping splices. */
export function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** Start of the physical line containing `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** True when only spaces/tabs lie between the start of `offset`'s line and `offset`. */
export function onlyIndentBefore(text: string, offset: number): boolean {
  return /^[ \t\u00a0]*$/.test(text.slice(lineStartOf(text, offset), offset));
}
