/**
 * The ConfigMaps a CoreDNS pod mounts, seen as the files its Corefile reads: `import` targets, hosts
 * and zone files. One source for the probes, the checks, remediation and the lab.
 */
import picomatch from 'picomatch';
import { defaultCorefileDir } from './imports.js';
import type { FileSource } from './model.js';

/** Where CoreDNS reads its Corefile in a pod (`-conf /etc/coredns/Corefile`). */
export const corefilePath = `${defaultCorefileDir}/Corefile`;

/** Where providers that support it (AKS, k3s) mount the `coredns-custom` ConfigMap. */
export const customConfigDir = `${defaultCorefileDir}/custom`;

/** A ConfigMap's keys as files under `dir` (path → text), leaving out `exceptKey` (the Corefile itself). */
export function mountedFiles(data: Record<string, string>, dir = defaultCorefileDir, exceptKey?: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) if (k !== exceptKey) files[`${dir}/${k}`] = v;
  return files;
}

/** The files CoreDNS sees beside its Corefile: the other keys of its ConfigMap and the custom ConfigMap's keys. */
export function corednsFiles(main: Record<string, string>, corefileKey: string, custom?: Record<string, string>): Record<string, string> {
  return { ...(custom ? mountedFiles(custom, customConfigDir) : {}), ...mountedFiles(main, defaultCorefileDir, corefileKey) };
}

/** Files by absolute path → the FileSource the parser's `import` reads. */
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
