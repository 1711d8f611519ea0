/**
 * `kubectl exec` of a DNS tool in a netns lab pod runs the real binary inside the pod's network
 * namespace, with the pod's resolv.conf and /etc/hosts bind-mounted over the host's in a private
 * mount namespace (`ip netns exec` gives one; the mounts vanish with the command): glibc's getent,
 * busybox nslookup, dig, and for musl pods getent built on musl's getaddrinfo (tools/musl-getent.c).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import type { ExecResult } from '../../core/cluster-access.js';
import type { Libc } from '../../core/resolver/resolv-conf.js';
import { runScript, shq } from './shell.js';

/** Where the musl getent is built (inside the wrapper's private /run: gone with the lab). */
export function muslGetentPath(runDir: string): string {
  return join(runDir, 'musl-getent');
}

/** Builds the musl getent with musl-gcc (Debian's musl-tools), once per lab. */
export async function buildMuslGetent(runDir: string): Promise<string> {
  const out = muslGetentPath(runDir);
  if (existsSync(out)) return out;
  const source = fileURLToPath(new URL('./tools/musl-getent.c', import.meta.url)).replace(/\/dist\/src\//, '/src/');
  await runScript(`musl-gcc -static -O2 -o ${shq(out)} ${shq(source)}`);
  return out;
}

/** The host binary for a pod's tool, or undefined when the lab has none. */
function binary(tool: string, libc: Libc, muslGetent: string | undefined): string[] | undefined {
  switch (tool) {
    case 'getent':
      return libc === 'musl' ? (muslGetent ? [muslGetent] : undefined) : ['getent'];
    case 'nslookup':
      return ['busybox', 'nslookup'];
    case 'dig':
      return ['dig'];
    case 'host':
      return existsSync('/usr/bin/host') ? ['host'] : undefined;
    default:
      return undefined;
  }
}

/** The pod's files on disk, for the bind mounts. */
export function writePodFiles(runDir: string, key: string, files: { resolvConf: string; hosts: string }): { resolvConf: string; hosts: string } {
  const dir = join(runDir, 'pods', key.replace(/\//g, '_'));
  mkdirSync(dir, { recursive: true });
  const resolvConf = join(dir, 'resolv.conf');
  const hosts = join(dir, 'hosts');
  writeFileSync(resolvConf, files.resolvConf);
  writeFileSync(hosts, files.hosts);
  return { resolvConf, hosts };
}

/** Runs argv in namespace `ns` with the files bind-mounted; the exit code is the command's. */
export function execWithFiles(ns: string, paths: { resolvConf: string; hosts: string }, argv: string[], timeoutMs = 120_000): Promise<ExecResult> {
  const body = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"';
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, 'sh', '-c', body, 'sh', paths.resolvConf, paths.hosts, ...argv], { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((err as unknown as { code: number }).code) : 1) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr), exitCode: code });
    });
  });
}

/** A DNS tool of a pod, run for real. */
export async function runRealTool(ns: string, paths: { resolvConf: string; hosts: string }, argv: string[], libc: Libc, muslGetent: string | undefined): Promise<ExecResult> {
  const [tool, ...args] = argv;
  const bin = binary(tool!, libc, muslGetent);
  if (!bin) return { stdout: '', stderr: `${tool}: not available in the netns lab (needs the Debian package; see docs/netns-lab.md)\n`, exitCode: 126 };
  return execWithFiles(ns, paths, [...bin, ...args]);
}
