/**
 * addForwardZoneBlock: `ZONE:PORT { errors; cache 30; forward . UPSTREAMS }`. It wins by longest match for
 * that subtree on that port and shares nothing with `.:53`; it must not duplicate a served zone+port.
 */
import ipaddr from 'ipaddr.js';
import type { Diagnostic } from '../model.js';
import { parseCorefile } from '../parse.js';
import { fqdn } from '../evaluate/names.js';
import { failedEdit, finishEdit } from './finish.js';
import { bodyIndent } from './locate.js';
import { applySplices } from './splice.js';
import type { EditContext, EditResult } from './types.js';

/** The sub-zone, its upstreams (IP or IP:port, at most 15) and the listener port (default 53). */
export interface AddForwardZoneOptions {
  zone: string;
  upstreams: string[];
  port?: number;
}

/** Checks a forward TO list: 1..15 IP or IP:port entries (no loopback: a forward to itself loops). */
export function checkUpstreams(upstreams: string[]): string | undefined {
  if (upstreams.length === 0) return 'no upstreams given';
  if (upstreams.length > 15) return `forward takes at most 15 upstreams (got ${upstreams.length})`;
  for (const u of upstreams) {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(u) ?? /^([^:]+):(\d+)$/.exec(u);
    const ip = m ? m[1]! : u;
    if (!ipaddr.isValid(ip)) return `upstream "${u}" is not an IP address or IP:port`;
    if (m && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return `upstream "${u}" has a bad port`;
  }
  return undefined;
}

/** Warnings for upstreams that are legal but dangerous: loopback addresses are the CoreDNS pod itself (loop). */
export function upstreamWarnings(upstreams: string[]): Diagnostic[] {
  return upstreams
    .filter((u) => { const ip = u.replace(/^\[/, '').replace(/\]?:\d+$/, ''); return ipaddr.isValid(ip) && ipaddr.parse(ip).range() === 'loopback'; })
    .map((u) => ({ severity: 'warning' as const, message: `upstream ${u} is a loopback address: inside the CoreDNS pod that is CoreDNS itself (the loop plugin would stop it)`, plugin: 'forward' }));
}

/** Adds a forwarding server block for a sub-zone. */
export function addForwardZoneBlock(text: string, opts: AddForwardZoneOptions, ctx: EditContext = {}): EditResult {
  const port = opts.port ?? 53;
  const zone = fqdn(opts.zone.trim());
  const description = `forward ${zone} on port ${port} to ${opts.upstreams.join(', ')} in its own server block`;
  const bad = checkUpstreams(opts.upstreams);
  if (bad) return failedEdit(text, description, bad);
  if (zone === '.') return failedEdit(text, description, 'the root zone is not a sub-zone: replace the forward of the . block instead');
  const parsed = parseCorefile(text, { file: 'Corefile', ...ctx.parseOptions });
  const tree = parsed.syntax;
  if (!tree.complete) return failedEdit(text, description, `the Corefile does not parse: ${parsed.diagnostics.find((d) => d.severity === 'error')?.message ?? 'unknown error'}`);
  const dup = parsed.model.blocks.find((b) => !b.directives.some((d) => d.name === 'view') && b.addresses.some((a) => a.zone === zone && a.port === port && a.transport === 'dns'));
  if (dup) return failedEdit(text, description, `${zone}:${port} is already served by the block at line ${dup.pos.line}: extend that block instead of adding a duplicate`);
  const eol = tree.eol;
  const ind = tree.blocks[0] ? bodyIndent(tree, tree.blocks[0]) : tree.indentUnit;
  const block = `${zone.slice(0, -1)}:${port} {${eol}${ind}errors${eol}${ind}cache 30${eol}${ind}forward . ${opts.upstreams.join(' ')}${eol}}${eol}`;
  const last = tree.blocks[tree.blocks.length - 1];
  const at = last ? last.lineEnd : text.length;
  const lead = at > 0 && !text.slice(0, at).endsWith('\n') ? eol : '';
  const after = applySplices(text, [{ start: at, end: at, text: `${lead}${at > 0 ? eol : ''}${block}` }]);
  return finishEdit(text, after, description, ctx, upstreamWarnings(opts.upstreams));
}
