/** Parse + validation diagnostics of a Corefile text (SYNTAX's checkCorefile: setup() runs only when it parses). */
import type { Diagnostic, ParseOptions } from '../model.js';
import { checkCorefile } from '../validate.js';

/** All diagnostics CoreDNS would report for `text` (infos about unmodelled plugins dropped). */
export function validateText(text: string, opts: ParseOptions, corednsVersion?: string): Diagnostic[] {
  const r = checkCorefile(text, { ...opts, ...(corednsVersion ? { corednsVersion } : {}) });
  return r.diagnostics.filter((d) => d.severity !== 'info');
}
