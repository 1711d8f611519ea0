/**
 * addViewBlock: a server block with `view NAME { expr incidr(client_ip(), 'CIDR') or … }` placed before the
 * unfiltered block it shadows, carrying a copy of that block's plugins (a view block shares nothing), plus
 * optional hosts entries that replace the copied ones for the same names. An existing view of that name is
 * extended with the missing CIDRs instead.
 */
import ipaddr from 'ipaddr.js';
import { parseCorefile } from '../parse.js';
import type { SyntaxBlock, SyntaxTree } from '../syntax.js';
import { failedEdit, finishEdit } from './finish.js';
import { checkEntries, hostsSplices } from './hosts-splices.js';
import { beforeClose, bodyIndent, findBlock, findLine, nestedIndent } from './locate.js';
import { applySplices, type Splice } from './splice.js';
import type { BlockRef, EditContext, EditResult, HostsEntry } from './types.js';

/** The view name, the client CIDRs it takes, the block it copies, and hosts entries it answers with. */
export interface AddViewOptions {
  name: string;
  cidrs: string[];
  /** The unfiltered block the view shadows (its plugins are copied). */
  copyFrom: BlockRef;
  withHosts?: HostsEntry[];
}

/** Plugins not copied into the view block: process-wide side servers that add nothing per block. */
const notCopied = new Set(['view', 'health', 'ready']);

/** `incidr(client_ip(), 'CIDR')` joined with `or` (single quotes: double quotes would be eaten by the Corefile lexer). */
export function viewExpr(cidrs: string[]): string {
  return cidrs.map((c) => `incidr(client_ip(), '${c}')`).join(' or ');
}

function viewBlockOf(tree: SyntaxTree, name: string): SyntaxBlock | undefined {
  return tree.blocks.find((b) => {
    const v = findLine(b, 'view');
    return v && tree.tokens[v.firstToken + 1]?.text === name;
  });
}

/** Adds (or extends) a view block. */
export function addViewBlock(text: string, opts: AddViewOptions, ctx: EditContext = {}): EditResult {
  const description = `answer clients in ${opts.cidrs.join(', ')} from view "${opts.name}"`;
  if (!/^[A-Za-z0-9_.-]+$/.test(opts.name)) return failedEdit(text, description, `view name "${opts.name}" must be a single word`);
  if (opts.cidrs.length === 0) return failedEdit(text, description, 'no client CIDRs given');
  for (const c of opts.cidrs) if (!ipaddr.isValidCIDR(c)) return failedEdit(text, description, `"${c}" is not a CIDR (expected e.g. 10.245.5.0/24)`);
  if (opts.withHosts) { const bad = checkEntries(opts.withHosts); if (bad) return failedEdit(text, description, bad); }
  const popts = { file: 'Corefile', ...ctx.parseOptions };
  const parsed = parseCorefile(text, popts);
  const tree = parsed.syntax;
  if (!tree.complete) return failedEdit(text, description, `the Corefile does not parse: ${parsed.diagnostics.find((d) => d.severity === 'error')?.message ?? 'unknown error'}`);
  const existing = viewBlockOf(tree, opts.name);
  let after: string;
  let blockIndex: number;
  if (existing) {
    const v = findLine(existing, 'view')!;
    const expr = v.children.find((c) => c.name === 'expr');
    const have = new Set([...text.slice(v.start, v.end).matchAll(/incidr\(client_ip\(\),\s*'([^']+)'\)/g)].map((m) => m[1]));
    const missing = opts.cidrs.filter((c) => !have.has(c));
    const splices: Splice[] = [];
    if (missing.length && expr) splices.push({ start: expr.end, end: expr.end, text: ` or ${viewExpr(missing)}` });
    else if (missing.length && v.closeBrace !== undefined) {
      const { at, prefix } = beforeClose(text, v.closeBrace);
      splices.push({ start: at, end: at, text: `${prefix}${nestedIndent(tree, v)}expr ${viewExpr(missing)}${tree.eol}` });
    }
    after = applySplices(text, splices);
    blockIndex = existing.index!;
  } else {
    const src = findBlock(tree, parsed.model, opts.copyFrom);
    if (typeof src === 'string') return failedEdit(text, description, src);
    if (findLine(src, 'view')) return failedEdit(text, description, `block ${src.keys.map((k) => k.text).join(' ')} (line ${src.line}) is itself a view block; copy from the unfiltered block`);
    const eol = tree.eol;
    const ind = bodyIndent(tree, src);
    const copied = src.body
      .filter((l) => !(l.kind === 'directive' && notCopied.has(l.name)))
      .map((l) => {
        const s = text.slice(l.lineStart, l.lineEnd);
        return s.endsWith('\n') ? s : s + eol;
      })
      .join('');
    const keys = src.keys.map((k) => k.raw).join(' ');
    const block = `${keys} {${eol}${ind}view ${opts.name} {${eol}${ind}${tree.indentUnit}expr ${viewExpr(opts.cidrs)}${eol}${ind}}${eol}${copied}}${eol}${eol}`;
    after = applySplices(text, [{ start: src.lineStart, end: src.lineStart, text: block }]);
    blockIndex = src.index!;
  }
  if (opts.withHosts?.length) {
    const re = parseCorefile(after, popts).syntax;
    const target = re.blocks[blockIndex];
    if (target) after = applySplices(after, hostsSplices(re, target, { entries: opts.withHosts, fallthrough: true, replace: true }));
  }
  return finishEdit(text, after, `${description}${existing ? ' (extending the existing view)' : ''}`, ctx);
}
