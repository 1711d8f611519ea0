/** addHostsEntries: pin names to addresses with a `hosts` plugin (always with `fallthrough`: docs/coredns-semantics.md, "Rules for patches"). */
import { parseCorefile } from '../parse.js';
import { isSubdomain, matchZone } from '../evaluate/names.js';
import { normalizeZones } from '../evaluate/plugins/common.js';
import type { Diagnostic } from '../model.js';
import { failedEdit, finishEdit } from './finish.js';
import { checkEntries, hostsSplices } from './hosts-splices.js';
import { findBlock, findLine, modelBlockOf } from './locate.js';
import { applySplices } from './splice.js';
import type { BlockRef, EditContext, EditResult, HostsEntry } from './types.js';

/** Entries to pin and the block to put them in (default: the unfiltered `.` block on port 53). */
export interface AddHostsOptions {
  block?: BlockRef;
  entries: HostsEntry[];
  /** Keep names without an entry flowing to the next plugin. Default true (without it every other name is SERVFAIL). */
  fallthrough?: boolean;
  /** Replace existing inline entries for the same names instead of adding to them. */
  replace?: boolean;
}

/** Adds hosts entries to a server block. */
export function addHostsEntries(text: string, opts: AddHostsOptions, ctx: EditContext = {}): EditResult {
  const names = opts.entries.flatMap((e) => e.names);
  const description = `pin ${names.join(', ')} to ${[...new Set(opts.entries.map((e) => e.ip))].join(', ')} with hosts`;
  const bad = checkEntries(opts.entries);
  if (bad) return failedEdit(text, description, bad);
  const parsed = parseCorefile(text, { file: 'Corefile', ...ctx.parseOptions });
  if (!parsed.syntax.complete) return failedEdit(text, description, `the Corefile does not parse: ${parsed.diagnostics.find((d) => d.severity === 'error')?.message ?? 'unknown error'}`);
  const block = findBlock(parsed.syntax, parsed.model, opts.block);
  if (typeof block === 'string') return failedEdit(text, description, block);
  const notes: Diagnostic[] = [];
  const mb = modelBlockOf(parsed.model, parsed.syntax, block);
  const existing = findLine(block, 'hosts');
  if (mb) {
    const hostsDir = mb.directives.find((d) => d.name === 'hosts');
    const zones = hostsDir && hostsDir.args.length > 1 ? normalizeZones(hostsDir.args.slice(1).map((t) => t.text)) : [...new Set(mb.addresses.map((a) => a.zone))];
    for (const n of names) {
      const fq = n.toLowerCase().endsWith('.') ? n.toLowerCase() : `${n.toLowerCase()}.`;
      if (matchZone(zones, fq) === '' && !zones.some((z) => isSubdomain(fq, z))) {
        notes.push({ severity: 'error', message: `${n} is outside the hosts zones (${zones.join(' ')}): CoreDNS would drop the entry` });
      }
    }
    if (existing && hostsDir && !(hostsDir.block ?? []).some((l) => l.name === 'fallthrough') && opts.fallthrough === false) {
      notes.push({ severity: 'warning', message: 'this hosts plugin has no fallthrough: every name without an entry is SERVFAIL' });
    }
  }
  const after = applySplices(text, hostsSplices(parsed.syntax, block, { entries: opts.entries, fallthrough: opts.fallthrough ?? true, replace: opts.replace }));
  return finishEdit(text, after, `${description} in ${block.keys.map((k) => k.text).join(' ')} (line ${block.line})`, ctx, notes);
}
