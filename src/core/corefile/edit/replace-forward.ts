/** replaceForwardUpstreams: swap the TO list of one `forward FROM …` line, keeping its options block. */
import { parseCorefile } from '../parse.js';
import { fqdn } from '../evaluate/names.js';
import { checkUpstreams, upstreamWarnings } from './add-forward-zone.js';
import { failedEdit, finishEdit } from './finish.js';
import { findBlock } from './locate.js';
import { applySplices } from './splice.js';
import type { BlockRef, EditContext, EditResult } from './types.js';

/** Which forward line (block and FROM) gets which new upstream list. */
export interface ReplaceForwardOptions {
  block?: BlockRef;
  /** The forward's FROM zone (default "."). */
  from?: string;
  upstreams: string[];
}

/** Replaces a forward's upstream list. */
export function replaceForwardUpstreams(text: string, opts: ReplaceForwardOptions, ctx: EditContext = {}): EditResult {
  const from = fqdn(opts.from ?? '.');
  const description = `forward ${from} to ${opts.upstreams.join(', ')}`;
  const bad = checkUpstreams(opts.upstreams);
  if (bad) return failedEdit(text, description, bad);
  const parsed = parseCorefile(text, { file: 'Corefile', ...ctx.parseOptions });
  const tree = parsed.syntax;
  if (!tree.complete) return failedEdit(text, description, `the Corefile does not parse: ${parsed.diagnostics.find((d) => d.severity === 'error')?.message ?? 'unknown error'}`);
  const block = findBlock(tree, parsed.model, opts.block);
  if (typeof block === 'string') return failedEdit(text, description, block);
  const line = block.body.find((l) => l.kind === 'directive' && l.name === 'forward' && fqdn(tree.tokens[l.firstToken + 1]?.text ?? '') === from);
  if (!line) return failedEdit(text, description, `block ${block.keys.map((k) => k.text).join(' ')} (line ${block.line}) has no "forward ${from}" line`);
  const first = tree.tokens[line.firstToken]!;
  const tos = [];
  for (let i = line.firstToken + 2; i <= line.lastToken; i++) {
    const t = tree.tokens[i]!;
    if (t.line !== first.line || t.text === '{') break;
    tos.push(t);
  }
  const fromTok = tree.tokens[line.firstToken + 1]!;
  const start = tos.length ? tos[0]!.start : fromTok.end;
  const end = tos.length ? tos[tos.length - 1]!.end : fromTok.end;
  const after = applySplices(text, [{ start, end, text: `${tos.length ? '' : ' '}${opts.upstreams.join(' ')}` }]);
  return finishEdit(text, after, `${description} (was ${tos.map((t) => t.text).join(' ') || 'nothing'}) in ${block.keys.map((k) => k.text).join(' ')}`, ctx, upstreamWarnings(opts.upstreams));
}
