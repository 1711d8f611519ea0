import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/cli/package-root.js';

const root = join(import.meta.dirname, '..', '..');

describe('packageRoot', () => {
  it('finds the package from the sources and from where the compiled build lives', () => {
    expect(packageRoot(join(root, 'src', 'cli', 'commands'))).toBe(root);
    expect(packageRoot(join(root, 'dist', 'src', 'cli', 'commands'))).toBe(root);
    expect(packageRoot()).toBe(root);
  });

  it('says so when there is no dnswhy package above', () => {
    expect(() => packageRoot('/')).toThrow(/cannot find dnswhy's package.json above \//);
  });
});
