/** "Did you mean": the known name nearest to a misspelt one, for scenario error messages. */
import { createRequire } from 'node:module';

/** fastest-levenshtein's closest(), loaded only when a file has a misspelt name. */
export function closestName(name: string, known: readonly string[]): string {
  const { closest } = createRequire(import.meta.url)('fastest-levenshtein') as typeof import('fastest-levenshtein');
  return closest(name, [...known]);
}
