/**
 * The folder of a Corefile given on the command line, as CoreDNS sees it in a pod: mounted at
 * /etc/coredns, so `import` and relative hosts/zone files resolve the same way.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defaultCorefileDir } from '../core/corefile/imports.js';

/** Where CoreDNS finds its Corefile's folder in a pod. */
export const mountRoot = defaultCorefileDir;

/** Files under the Corefile's directory as CoreDNS would see them under /etc/coredns (bounded walk). */
export function mountCorefileDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, depth: number) => {
    if (depth > 3) return;
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (Object.keys(out).length >= 1000) return;
      const p = join(d, entry);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (st.isFile() && st.size < 5_000_000) out[`${mountRoot}/${relative(dir, p).split('\\').join('/')}`] = readFileSync(p, 'utf8');
    }
  };
  walk(dir, 0);
  return out;
}
