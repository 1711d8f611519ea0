/**
 * Version-dependent behaviour worth telling the user about (docs/coredns-semantics.md, "A directive written more than once" and "Version differences"): things
 * that are not errors but change what a Corefile does on the CoreDNS version in use.
 */
import { isSubDomain } from '../domain-name.js';
import { normalizeZoneArg } from '../keys.js';
import type { CorefileModel, Diagnostic } from '../model.js';
import { atLeast } from '../version.js';

/** Notes for one model on one CoreDNS version. */
export function versionNotes(model: CorefileModel, version: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (model.importedFiles.length > 0 && !atLeast(version, '1.7.0') && model.blocks.some((b) => b.directives.some((d) => d.name === 'reload'))) {
    out.push({
      severity: 'warning',
      message: `reload does not watch imported files before CoreDNS 1.7.0 (running ${version}): edits to ${model.importedFiles.join(', ')} need a restart`,
      plugin: 'reload',
    });
  }
  for (const block of model.blocks) {
    const forwards = block.directives.filter((d) => d.name === 'forward' && d.args.length > 0);
    if (forwards.length > 1 && atLeast(version, '1.9.4')) {
      // Chained in Corefile order: a later stanza only sees names the earlier ones pass on.
      for (let i = 1; i < forwards.length; i++) {
        const from = normalizeZoneArg(forwards[i].args[0].text)[0];
        if (!from) continue;
        const shadow = forwards.slice(0, i).find((f) => {
          const earlier = normalizeZoneArg(f.args[0].text)[0];
          return earlier !== undefined && isSubDomain(earlier, from) && !f.block?.some((l) => l.name === 'except');
        });
        if (shadow) {
          out.push({
            severity: 'warning',
            message: `forward ${forwards[i].args[0].text} never runs: the forward ${shadow.args[0].text} written before it (line ${shadow.pos.line}) already answers every name under ${from}; write the more specific forward first`,
            pos: forwards[i].pos,
            plugin: 'forward',
          });
        }
      }
    }
    if (atLeast(version, '1.14.5') && !atLeast(version, '1.14.7')) {
      const hosts = block.directives.find((d) => d.name === 'hosts' && d.block?.some((l) => l.name === 'fallthrough'));
      if (hosts) {
        out.push({
          severity: 'info',
          message: `on CoreDNS ${version} hosts with fallthrough also passes unsupported query types (MX, TXT…) of its names to the next plugin (1.14.5–1.14.6 only)`,
          pos: hosts.pos,
          plugin: 'hosts',
        });
      }
    }
  }
  return out;
}
