/** A FileSource (what Corefile `import` reads) over ConfigMap data mounted as files. */
import picomatch from 'picomatch';
import type { FileSource } from '../../core/corefile/model.js';

/** Files by absolute path → a FileSource for imports. */
export function fileSourceOf(files: Record<string, string>): FileSource {
  return {
    read: (path) => files[path],
    glob: (pattern) => {
      const match = picomatch(pattern);
      return Object.keys(files)
        .filter((f) => match(f))
        .sort();
    },
  };
}
