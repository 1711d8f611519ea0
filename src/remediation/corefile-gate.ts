/**
 * The gate every Corefile write passes first: the new text must parse and validate with no error,
 * with the ConfigMaps' other keys available to `import` as mounted files. Never a partial write.
 */
import { checkCorefile } from '../core/corefile/validate.js';
import type { CorefileModel, Diagnostic } from '../core/corefile/model.js';
import { corefilePath, fileSourceOf } from '../core/corefile/configmap-files.js';

export interface CorefileGateResult {
  ok: boolean;
  model: CorefileModel;
  errors: Diagnostic[];
}

/**
 * Parse and validate a Corefile as the given CoreDNS version's setup() would (
 * checkCorefile); `ok` only when no diagnostic is an error. Missing files are warnings, not errors.
 */
export function gateCorefile(text: string, files: Record<string, string> = {}, corednsVersion?: string): CorefileGateResult {
  const r = checkCorefile(text, { file: corefilePath, files: fileSourceOf(files), ...(corednsVersion ? { corednsVersion } : {}) });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  return { ok: errors.length === 0, model: r.model, errors };
}

/** True when some server block has the `reload` plugin (CoreDNS then re-reads the file itself). */
export function hasReload(model: CorefileModel): boolean {
  return model.blocks.some((b) => b.directives.some((d) => d.name === 'reload'));
}

/** The CoreDNS version from an image reference (`registry.k8s.io/coredns/coredns:v1.11.1` → `1.11.1`). */
export function versionFromImage(image: string | undefined): string | undefined {
  const m = /coredns[^:/]*:v?(\d+\.\d+(?:\.\d+)?)/i.exec(image ?? '');
  return m?.[1];
}

/** Diagnostics as one line each: "Corefile:12:5 unknown directive 'forwrd'". */
export function describeDiagnostics(ds: Diagnostic[]): string {
  return ds.map((d) => `${d.pos ? `${d.pos.file}:${d.pos.line}:${d.pos.col} ` : ''}${d.message}`).join('; ');
}
