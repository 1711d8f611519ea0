/**
 * `import` file resolution as caddy's doImport does it (docs/coredns-semantics.md, "import and snippets"): patterns relative to
 * the importing file's directory, the glob limits, "not found" rules. File access goes through the
 * injected FileSource; nothing here touches a disk.
 */
import { posix } from 'node:path';
import type { FileSource } from './model.js';

/** Where CoreDNS's Corefile lives in Kubernetes (`-conf /etc/coredns/Corefile`). */
export const defaultCorefileDir = '/etc/coredns';

/** Absolute path of a Corefile name as given to the parser. */
export function absoluteFile(file: string): string {
  return posix.isAbsolute(file) ? posix.normalize(file) : posix.join(defaultCorefileDir, file);
}

/** The glob pattern caddy uses for `import PATTERN` written in `fromFile`. */
export function importGlob(pattern: string, fromFile: string): string {
  if (posix.isAbsolute(pattern)) return pattern;
  return posix.join(posix.dirname(absoluteFile(fromFile)), pattern);
}

/** caddy's limit on wildcards (issue #2096): a message when the pattern is refused, else undefined. */
export function globLimitError(globPattern: string): string | undefined {
  const count = (c: string) => globPattern.split(c).length - 1;
  if (count('*') > 1 || count('?') > 1 || (globPattern.includes('[') && globPattern.includes(']'))) {
    return `Glob pattern may only contain one wildcard (*), but has others: ${globPattern}`;
  }
  return undefined;
}

/** True when the pattern has glob characters (then no match is only a warning). */
export function hasGlobChars(globPattern: string): boolean {
  return /[*?[\]]/.test(globPattern);
}

/** Files matching a pattern: the glob for patterns, an existence check for plain paths. */
export function matchImport(globPattern: string, files: FileSource | undefined): string[] {
  if (!files) return [];
  if (hasGlobChars(globPattern)) return [...files.glob(globPattern)].sort();
  let text: string | undefined | null;
  try {
    text = files.read(globPattern);
  } catch {
    return [globPattern]; // exists but unreadable (a directory): reading it reports the error
  }
  return text === undefined ? [] : [globPattern];
}

/** A FileSource over an in-memory map of absolute paths (tests, ConfigMap-mounted files). */
export function memoryFileSource(filesByPath: Record<string, string>): FileSource {
  const paths = Object.keys(filesByPath).sort();
  return {
    read: (p) => (Object.hasOwn(filesByPath, p) ? filesByPath[p] : dirExists(paths, p) ? null : undefined),
    glob: (pattern) => paths.filter((p) => globMatch(pattern, p)),
  };
}

function dirExists(paths: string[], p: string): boolean {
  const prefix = p.endsWith('/') ? p : `${p}/`;
  return paths.some((x) => x.startsWith(prefix));
}

/** Go filepath.Match-style matching for one-wildcard patterns: `*` and `?` never cross a `/`. */
export function globMatch(pattern: string, path: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close === -1) re += '\\[';
      else {
        let cls = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (cls.startsWith('^')) cls = '\\' + cls;
        re += `[${cls.startsWith('!') ? '^' + cls.slice(1) : cls}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  try {
    return new RegExp(re + '$').test(path);
  } catch {
    return false;
  }
}
