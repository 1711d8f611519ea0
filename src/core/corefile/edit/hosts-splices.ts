/**
 * The text splices that add hosts entries to one server block: extend an existing `hosts` (entries go
 * before its `fallthrough`), give a block-less `hosts` a block, or write a new `hosts { … fallthrough }`
 * before the block's first `forward` (execution order does not depend on placement; this reads best).
 */
import ipaddr from 'ipaddr.js';
import type { SyntaxBlock, SyntaxTree } from '../syntax.js';
import { beforeClose, bodyIndent, findLine, nestedIndent } from './locate.js';
import type { Splice } from './splice.js';
import type { HostsEntry } from './types.js';

/** Entries to add to one block's hosts plugin. */
export interface HostsSpliceOptions {
  entries: HostsEntry[];
  fallthrough: boolean;
  /** Remove existing inline lines for the same names (a view that must answer differently). */
  replace?: boolean;
}

/** Checks entries; returns an error message or undefined. */
export function checkEntries(entries: HostsEntry[]): string | undefined {
  if (entries.length === 0) return 'no hosts entries given';
  for (const e of entries) {
    if (!ipaddr.isValid(e.ip)) return `hosts entry IP "${e.ip}" is not an IP address`;
    if (e.names.length === 0) return `hosts entry ${e.ip} has no names`;
    for (const n of e.names) if (!/^[A-Za-z0-9*_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/.test(n)) return `hosts entry name "${n}" is not a host name`;
  }
  return undefined;
}

function entryLines(entries: HostsEntry[], indent: string, eol: string): string {
  return entries.map((e) => `${indent}${e.ip} ${e.names.join(' ')}${eol}`).join('');
}

/** Splices adding `opts.entries` to `block`. */
export function hostsSplices(tree: SyntaxTree, block: SyntaxBlock, opts: HostsSpliceOptions): Splice[] {
  const text = tree.text;
  const eol = tree.eol;
  const hosts = findLine(block, 'hosts');
  const indent = bodyIndent(tree, block);
  if (!hosts) {
    const inner = indent + tree.indentUnit;
    const body = `${indent}hosts {${eol}${entryLines(opts.entries, inner, eol)}${opts.fallthrough ? `${inner}fallthrough${eol}` : ''}${indent}}${eol}`;
    const forward = findLine(block, 'forward');
    if (forward) return [{ start: forward.lineStart, end: forward.lineStart, text: body }];
    if (block.closeBrace !== undefined) {
      const { at, prefix } = beforeClose(text, block.closeBrace);
      return [{ start: at, end: at, text: prefix + body }];
    }
    const last = block.body[block.body.length - 1];
    const at = last ? last.lineEnd : block.lineEnd;
    return [{ start: at, end: at, text: (text.slice(0, at).endsWith('\n') ? '' : eol) + body }];
  }
  if (hosts.openBrace === undefined || hosts.closeBrace === undefined) {
    const inner = hosts.indent + tree.indentUnit;
    const add = ` {${eol}${entryLines(opts.entries, inner, eol)}${opts.fallthrough ? `${inner}fallthrough${eol}` : ''}${hosts.indent}}`;
    return [{ start: hosts.end, end: hosts.end, text: add }];
  }
  const splices: Splice[] = [];
  const inner = nestedIndent(tree, hosts);
  const names = new Set(opts.entries.flatMap((e) => e.names.map((n) => n.toLowerCase())));
  const existing = new Set<string>();
  for (const c of hosts.children) {
    if (!ipaddr.isValid(c.name.replace(/%.*$/, ''))) continue;
    const toks = tree.tokens.slice(c.firstToken + 1, c.lastToken + 1).map((t) => t.text.toLowerCase());
    if (opts.replace && toks.length > 0 && toks.every((n) => names.has(n))) {
      splices.push({ start: c.lineStart, end: c.lineEnd, text: '' });
      continue;
    }
    existing.add(`${c.name} ${toks.join(' ')}`);
  }
  const fresh = opts.entries.filter((e) => !existing.has(`${e.ip} ${e.names.map((n) => n.toLowerCase()).join(' ')}`));
  const fall = hosts.children.find((c) => c.name === 'fallthrough');
  const lines = entryLines(fresh, inner, eol);
  if (fall) {
    if (lines) splices.push({ start: fall.lineStart, end: fall.lineStart, text: lines });
  } else {
    const { at, prefix } = beforeClose(text, hosts.closeBrace);
    const add = lines + (opts.fallthrough ? `${inner}fallthrough${eol}` : '');
    if (add) splices.push({ start: at, end: at, text: prefix + add });
  }
  return splices;
}
