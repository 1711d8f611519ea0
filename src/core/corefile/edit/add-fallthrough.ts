/** addFallthrough: let a plugin pass names in ZONES on (`fallthrough ZONES`), merging with an existing line. */
import { parseCorefile } from '../parse.js';
import { fqdn } from '../evaluate/names.js';
import { failedEdit, finishEdit } from './finish.js';
import { beforeClose, findBlock, findLine, nestedIndent } from './locate.js';
import { applySplices, type Splice } from './splice.js';
import type { BlockRef, EditContext, EditResult } from './types.js';

/** What addFallthrough changes: which plugin of which block, for which zones. */
export interface AddFallthroughOptions {
  block?: BlockRef;
  plugin: string;
  /** Zones to fall through for; empty = everything. */
  zones: string[];
}

/** Adds `fallthrough ZONES` to a plugin. */
export function addFallthrough(text: string, opts: AddFallthroughOptions, ctx: EditContext = {}): EditResult {
  const description = `${opts.plugin}: fall through for ${opts.zones.length ? opts.zones.join(' ') : 'every name'}`;
  const parsed = parseCorefile(text, { file: 'Corefile', ...ctx.parseOptions });
  const tree = parsed.syntax;
  if (!tree.complete) return failedEdit(text, description, `the Corefile does not parse: ${parsed.diagnostics.find((d) => d.severity === 'error')?.message ?? 'unknown error'}`);
  const block = findBlock(tree, parsed.model, opts.block);
  if (typeof block === 'string') return failedEdit(text, description, block);
  const line = findLine(block, opts.plugin);
  if (!line) return failedEdit(text, description, `block ${block.keys.map((k) => k.text).join(' ')} (line ${block.line}) has no ${opts.plugin} plugin`);
  const eol = tree.eol;
  const zonesText = opts.zones.length ? ` ${opts.zones.join(' ')}` : '';
  const splices: Splice[] = [];
  if (line.openBrace === undefined || line.closeBrace === undefined) {
    const inner = line.indent + tree.indentUnit;
    splices.push({ start: line.end, end: line.end, text: ` {${eol}${inner}fallthrough${zonesText}${eol}${line.indent}}` });
  } else {
    const fall = line.children.find((c) => c.name === 'fallthrough');
    if (fall) {
      const have = tree.tokens.slice(fall.firstToken + 1, fall.lastToken + 1).map((t) => fqdn(t.text));
      if (have.length > 0) {
        const missing = opts.zones.length === 0 ? [] : opts.zones.filter((z) => !have.includes(fqdn(z)));
        if (opts.zones.length === 0) splices.push({ start: tree.tokens[fall.firstToken]!.end, end: fall.end, text: '' });
        else if (missing.length) splices.push({ start: fall.end, end: fall.end, text: ` ${missing.join(' ')}` });
      }
    } else {
      const { at, prefix } = beforeClose(text, line.closeBrace);
      splices.push({ start: at, end: at, text: `${prefix}${nestedIndent(tree, line)}fallthrough${zonesText}${eol}` });
    }
  }
  const after = applySplices(text, splices);
  return finishEdit(text, after, `${description} in ${block.keys.map((k) => k.text).join(' ')}${splices.length ? '' : ' (already the case)'}`, ctx);
}
