/**
 * Errors and diagnostics of the Corefile engine. Messages use CoreDNS's own wording; the position
 * is kept apart so the CLI can print `FILE:LINE:COL message`.
 */
import type { Diagnostic, SourcePos } from './model.js';
import { DnswhyError } from '../errors.js';

/** A parse or setup error at a place in a Corefile (what caddy's Dispenser.Err returns). */
export class CorefileError extends DnswhyError {
  override readonly code = 'corefile-invalid';
  override readonly permanent = true;
  constructor(
    message: string,
    readonly pos: SourcePos,
    readonly plugin?: string,
  ) {
    super(message);
  }

  /** The error as a diagnostic of the given severity. */
  toDiagnostic(severity: Diagnostic['severity'] = 'error'): Diagnostic {
    const d: Diagnostic = { severity, message: this.message, pos: this.pos };
    if (this.plugin !== undefined) d.plugin = this.plugin;
    return d;
  }
}

/** Builds a diagnostic (convenience for validators). */
export function diag(
  severity: Diagnostic['severity'],
  message: string,
  pos?: SourcePos,
  plugin?: string,
): Diagnostic {
  const d: Diagnostic = { severity, message };
  if (pos) d.pos = pos;
  if (plugin !== undefined) d.plugin = plugin;
  return d;
}

/**
 * `FILE:LINE:COL message` (or `FILE message` without a position), the CLI's line format. Errors
 * carry no severity word; warnings and infos say so. Plugin errors are prefixed `plugin/NAME: ` as
 * CoreDNS prints them.
 */
export function formatDiagnostic(d: Diagnostic, fallbackFile = 'Corefile', fileName: (f: string) => string = (f) => f): string {
  const where = d.pos ? `${fileName(d.pos.file)}:${d.pos.line}:${d.pos.col}` : fallbackFile;
  const plugin = d.plugin ? `plugin/${d.plugin}: ` : '';
  const sev = d.severity === 'error' ? '' : `${d.severity}: `;
  return `${where} ${sev}${plugin}${d.message}`;
}
