/**
 * Validation of a parsed Corefile as CoreDNS's plugin setup() functions would judge it: for each
 * server block, the tokens of every occurrence of a directive are concatenated in Corefile order
 * and handed to that plugin's validator (as CoreDNS hands them to setup()), in plugin.cfg order.
 * Plugins without a validator get an info diagnostic "not modelled" and are never reported as errors.
 */
import { directiveRank } from './directives.js';
import { CorefileError } from './errors.js';
import type { CorefileModel, Diagnostic, DirectiveNode, FileSource, ParseOptions, Tok } from './model.js';
import { parseCorefile, type ParseResult } from './parse.js';
import { PluginContext } from './validate/context.js';
import { GoError } from './validate/go.js';
import { onceOnlyPlugins, pluginValidators } from './validate/registry.js';
import { versionNotes } from './validate/version-notes.js';
import { newestCorednsVersion } from './version.js';

export interface ValidateOptions {
  /** CoreDNS version to judge against (default: the newest modelled, 1.14.7). */
  corednsVersion?: string;
  /** The CoreDNS pod's files (hosts files, zone files, resolv.conf upstreams), when known. */
  files?: FileSource;
}

/** Setup-level diagnostics for every server block of a model. */
export function validateCorefile(model: CorefileModel, opts: ValidateOptions = {}): Diagnostic[] {
  const version = opts.corednsVersion ?? newestCorednsVersion;
  const out: Diagnostic[] = [];
  const notModelled = new Set<string>();
  for (const block of model.blocks) {
    const byName = new Map<string, Tok[]>();
    const occurrences = new Map<string, DirectiveNode[]>();
    for (const d of block.directives) {
      const occ = occurrences.get(d.name) ?? [];
      occ.push(d);
      occurrences.set(d.name, occ);
      const toks = d.tokens ?? [{ text: d.name, pos: d.pos, quoted: false }, ...d.args];
      const all = byName.get(d.name) ?? [];
      for (const t of toks) all.push(t); // in place: blocks can repeat a directive many times
      byName.set(d.name, all);
    }
    const names = [...byName.keys()].sort((a, b) => directiveRank(a) - directiveRank(b));
    for (const name of names) {
      const tokens = byName.get(name)!;
      const validator = pluginValidators[name];
      if (!validator) {
        const once = onceOnlyPlugins[name];
        const all = occurrences.get(name) ?? [];
        if (once && all.length > 1) out.push({ severity: 'error', message: once, pos: all[1].pos, plugin: name });
        if (!notModelled.has(name)) {
          notModelled.add(name);
          out.push({ severity: 'info', message: `plugin ${name} is not modelled: grammar only, arguments not checked`, pos: tokens[0].pos, plugin: name });
        }
        continue;
      }
      const ctx = new PluginContext(name, tokens, block, version, opts.files);
      try {
        validator(ctx);
      } catch (e) {
        if (e instanceof CorefileError) out.push(e.toDiagnostic());
        else if (e instanceof GoError) out.push({ severity: 'error', message: e.message, pos: ctx.c.pos(), plugin: name });
        else throw e;
      }
      out.push(...ctx.notes);
    }
  }
  out.push(...versionNotes(model, version));
  return out;
}

/** Options of checkCorefile: parse options plus the CoreDNS version. */
export type CheckOptions = ParseOptions & ValidateOptions;

/** Parse + validate: `ok` is false when any diagnostic is an error. */
export function checkCorefile(text: string, opts: CheckOptions = {}): ParseResult {
  const parsed = parseCorefile(text, opts);
  const grammarError = parsed.diagnostics.some((d) => d.severity === 'error' && d.plugin === undefined);
  const diagnostics = [...parsed.diagnostics];
  // CoreDNS stops at the first parse error; plugin setup never runs on a Corefile that does not parse.
  if (!grammarError) diagnostics.push(...validateCorefile(parsed.model, opts));
  return { ...parsed, diagnostics, ok: !diagnostics.some((d) => d.severity === 'error') };
}
