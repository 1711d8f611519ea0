/**
 * Prints a syntax tree back to text: each token preceded by the exact trivia that preceded it in the
 * source, then the trailing text. An unmodified tree prints its input byte for byte.
 */
import type { LexToken } from './lexer.js';
import type { SyntaxTree } from './syntax.js';

/** The text of a syntax tree. */
export function printSyntax(tree: Pick<SyntaxTree, 'tokens' | 'trailing'>): string {
  return printTokens(tree.tokens, tree.trailing);
}

/** Concatenates tokens with their leading trivia, then the trailing text. */
export function printTokens(tokens: readonly Pick<LexToken, 'leading' | 'raw'>[], trailing: string): string {
  let out = '';
  for (const t of tokens) out += t.leading + t.raw;
  return out + trailing;
}
