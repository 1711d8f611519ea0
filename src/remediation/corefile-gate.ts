/**
 * The gate every Corefile write passes first: the new text must parse and validate with no error,
 * with the ConfigMaps' other keys available to `import` as mounted files. Never a partial write.
 */
import { parseCorefile } from '../core/corefile/parse.js';
import type { CorefileModel, Diagnostic } from '../core/corefile/model.js';
import { fileSourceOf } from '../probes/gather/file-source.js';

export interface CorefileGateResult {
  ok: boolean;
  model: CorefileModel;
  errors: Diagnostic[];
}

/** Parse and validate a Corefile; `ok` only when no diagnostic is an error. */
export function gateCorefile(text: string, files: Record<string, string> = {}): CorefileGateResult {
  const r = parseCorefile(text, { file: '/etc/coredns/Corefile', files: fileSourceOf(files) });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  return { ok: errors.length === 0, model: r.model, errors };
}

/** True when some server block has the `reload` plugin (CoreDNS then re-reads the file itself). */
export function hasReload(model: CorefileModel): boolean {
  return model.blocks.some((b) => b.directives.some((d) => d.name === 'reload'));
}

/** Diagnostics as one line each: "Corefile:12:5 unknown directive 'forwrd'". */
export function describeDiagnostics(ds: Diagnostic[]): string {
  return ds.map((d) => `${d.pos ? `${d.pos.file}:${d.pos.line}:${d.pos.col} ` : ''}${d.message}`).join('; ');
}
