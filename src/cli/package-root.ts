/**
 * The folder of dnswhy's package.json, found by walking up from a module's folder. The CLI runs from
 * src/ (tsx) or from dist/src/ (the compiled build), so paths to shipped files such as scenarios/
 * cannot be fixed relative to the module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'dnswhy') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find dnswhy's package.json above ${from}`);
  }
}
