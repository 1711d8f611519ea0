/** Finding server blocks and directive lines in the syntax tree, and the indentation they use. */
import type { CorefileModel, ServerBlockNode } from '../model.js';
import type { SyntaxBlock, SyntaxLine, SyntaxTree } from '../syntax.js';
import type { BlockRef } from './types.js';

/** The model block written at the same place as a syntax block (main file only). */
export function modelBlockOf(model: CorefileModel, tree: SyntaxTree, block: SyntaxBlock): ServerBlockNode | undefined {
  return model.blocks.find((b) => b.pos.file === tree.file && b.pos.line === block.line && b.keys[0]?.pos.col === block.col);
}

function hasView(b: ServerBlockNode | undefined): boolean {
  return !!b?.directives.some((d) => d.name === 'view');
}

/** Resolves a block reference; default: the first unfiltered block serving `.` on port 53. */
export function findBlock(tree: SyntaxTree, model: CorefileModel, ref: BlockRef | undefined): SyntaxBlock | string {
  if (typeof ref === 'number') {
    // A number is the model's block index (Explanation.serverBlock.index): imported blocks count too.
    const mb = model.blocks[ref];
    if (!mb) return `there is no server block ${ref} (the Corefile has ${model.blocks.length})`;
    if (mb.pos.file !== tree.file) return `server block ${ref} comes from the imported file ${mb.pos.file}; edit that file instead`;
    return tree.blocks.find((b) => b.line === mb.pos.line && mb.keys[0]?.pos.col === b.col) ?? `server block ${ref} (line ${mb.pos.line}) was not found in the syntax tree`;
  }
  if (typeof ref === 'string') {
    const want = ref.trim();
    const hit = tree.blocks.find((b) => b.keys.map((k) => k.text).join(' ') === want || b.keys.some((k) => k.text.replace(/,$/, '') === want));
    return hit ?? `no server block has the keys "${want}" (blocks: ${tree.blocks.map((b) => b.keys.map((k) => k.text).join(' ')).join(' | ')})`;
  }
  const root = tree.blocks.find((b) => {
    const m = modelBlockOf(model, tree, b);
    return m && !hasView(m) && m.addresses.some((a) => a.zone === '.' && a.port === 53 && a.transport === 'dns');
  });
  return root ?? tree.blocks[0] ?? 'the Corefile has no server block';
}

/** The first directive line named `name` in a block body. */
export function findLine(block: SyntaxBlock, name: string): SyntaxLine | undefined {
  return block.body.find((l) => l.kind === 'directive' && l.name === name);
}

/** Indentation of the block's directives. */
export function bodyIndent(tree: SyntaxTree, block: SyntaxBlock): string {
  return block.body.find((l) => l.indent !== '')?.indent ?? block.indent + tree.indentUnit;
}

/** Indentation of the lines nested in a directive. */
export function nestedIndent(tree: SyntaxTree, line: SyntaxLine): string {
  return line.children.find((c) => c.indent !== '')?.indent ?? line.indent + tree.indentUnit;
}

/** Offset where a new line can go just before a closing brace (the start of the brace's line when it is alone there). */
export function beforeClose(text: string, closeBrace: number): { at: number; prefix: string } {
  const ls = text.lastIndexOf('\n', closeBrace - 1) + 1;
  if (/^[ \t]*$/.test(text.slice(ls, closeBrace))) return { at: ls, prefix: '' };
  return { at: closeBrace, prefix: '\n' };
}
