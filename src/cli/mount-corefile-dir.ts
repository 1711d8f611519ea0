/**
 * The folder of a Corefile given on the command line, as CoreDNS sees it in a pod: mounted at
 * /etc/coredns, so `import` and relative hosts/zone files resolve the same way. The folder is
 * listed once (a bounded walk) and a file is read only when an import asks for it, with the same
 * size and encoding checks as the Corefile itself.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defaultCorefileDir, globMatch } from '../core/corefile/imports.js';
import type { FileSource } from '../core/corefile/model.js';
import { fileLimits, InputFileError, readTextFile } from '../files/read-text-file.js';

/** Where CoreDNS finds its Corefile's folder in a pod. */
export const mountRoot = defaultCorefileDir;

/** Files and folders under `dir`, by their path under /etc/coredns (at most 1000 entries, 3 levels). */
function listMounted(dir: string): { files: Map<string, string>; dirs: Set<string> } {
  const files = new Map<string, string>();
  const dirs = new Set<string>([mountRoot]);
  const mounted = (p: string) => `${mountRoot}/${relative(dir, p).split('\\').join('/')}`;
  const walk = (d: string, depth: number) => {
    if (depth > 3) return;
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (files.size + dirs.size >= 1000) return;
      const p = join(d, entry);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        dirs.add(mounted(p));
        walk(p, depth + 1);
      } else if (st.isFile()) files.set(mounted(p), p);
    }
  };
  walk(dir, 0);
  return { files, dirs };
}

/** A FileSource over the Corefile's folder as /etc/coredns; a file that cannot be used throws its reason. */
export function mountCorefileDir(dir: string): FileSource {
  const { files, dirs } = listMounted(dir);
  const paths = [...files.keys()].sort();
  return {
    read(p) {
      if (dirs.has(p)) return null;
      const real = files.get(p);
      if (real === undefined) return undefined;
      try {
        return readTextFile(real, fileLimits.corefile);
      } catch (err) {
        if (err instanceof InputFileError) throw new Error(err.message.slice(real.length + 1));
        throw err;
      }
    },
    glob: (pattern) => paths.filter((p) => globMatch(pattern, p)),
  };
}
