/** Parse + validation of a Corefile text (checkCorefile: setup() runs only when it parses). */
import type { Diagnostic, ParseOptions } from '../model.js';
import type { ParseResult } from '../parse.js';
import { checkCorefile } from '../validate.js';

/** The parse result with every diagnostic CoreDNS would report (infos about unmodelled plugins dropped). */
export function validateText(text: string, opts: ParseOptions, corednsVersion?: string): ParseResult & { problems: Diagnostic[] } {
  const r = checkCorefile(text, { ...opts, ...(corednsVersion ? { corednsVersion } : {}) });
  return { ...r, problems: r.diagnostics.filter((d) => d.severity !== 'info') };
}
