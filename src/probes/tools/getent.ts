/**
 * `getent ahosts NAME` and `getent hosts NAME` (glibc nss/getent.c): parser and formatter.
 * ahosts prints, per address, `%-15s %-6s %s` with STREAM (canonical name on the first line only),
 * DGRAM and RAW; hosts prints `%-15s %s` per address, IPv6 addresses when the name has any
 * (gethostbyname2 AF_INET6 first), otherwise IPv4. Exit 0 on success, 2 when the key is not found.
 */
import type { ExecResult } from '../../core/cluster-access.js';
import type { LookupResult } from '../dns/stub-resolver.js';
import { type ParsedToolOutput, isIp, unique } from './types.js';

/** Parses getent ahosts/hosts output. Exit 2 (not found) yields no addresses. */
export function parseGetent(stdout: string, exitCode: number): ParsedToolOutput {
  const addresses: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const first = line.trim().split(/\s+/)[0];
    if (first && isIp(first)) addresses.push(first);
  }
  // getent prints nothing on failure; exit 2 covers NXDOMAIN, NODATA and timeouts alike.
  return exitCode === 0 ? { addresses: unique(addresses) } : { addresses: [] };
}

function canonical(r: LookupResult): string {
  return (r.result.finalName ?? r.name).replace(/\.$/, '');
}

/** What `getent ahosts NAME` prints for a lookup result. */
export function formatGetentAhosts(r: LookupResult): ExecResult {
  if (!r.result.ok || r.result.addresses.length === 0) return { stdout: '', stderr: '', exitCode: 2 };
  const lines: string[] = [];
  r.result.addresses.forEach((ip, i) => {
    lines.push(`${ip.padEnd(15)} ${'STREAM'.padEnd(6)} ${i === 0 ? canonical(r) : ''}`);
    lines.push(`${ip.padEnd(15)} ${'DGRAM'.padEnd(6)} `);
    lines.push(`${ip.padEnd(15)} ${'RAW'.padEnd(6)} `);
  });
  return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: 0 };
}

/** What `getent hosts NAME` prints for a lookup result. */
export function formatGetentHosts(r: LookupResult): ExecResult {
  if (!r.result.ok) return { stdout: '', stderr: '', exitCode: 2 };
  const v6 = r.result.addresses.filter((a) => a.includes(':'));
  const list = v6.length > 0 ? v6 : r.result.addresses;
  if (list.length === 0) return { stdout: '', stderr: '', exitCode: 2 };
  return { stdout: list.map((ip) => `${ip.padEnd(15)} ${canonical(r)}\n`).join(''), stderr: '', exitCode: 0 };
}
