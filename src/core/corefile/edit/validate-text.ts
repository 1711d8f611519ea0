/** Parse + validation diagnostics of a Corefile text (validation runs when the parse succeeded). */
import type { Diagnostic, ParseOptions } from '../model.js';
import { parseCorefile } from '../parse.js';

/** All diagnostics CoreDNS would report for `text`. */
export function validateText(text: string, opts: ParseOptions, _corednsVersion?: string): Diagnostic[] {
  const r = parseCorefile(text, opts);
  return r.diagnostics;
}
