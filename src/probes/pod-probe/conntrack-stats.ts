/**
 * The kernel's conntrack statistics of the network namespace a probe runs in (a hostNetwork probe
 * pod: the node's): the table's count and max from /proc/sys/net/netfilter, and insert_failed and drop
 * summed over the CPUs from /proc/net/stat/nf_conntrack, or, where the kernel has no procfs statistics
 * (CONFIG_NF_CONNTRACK_PROCFS off), from `conntrack -S` (netlink) when that program is installed.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ConntrackReading {
  insertFailed: number;
  drop: number;
  count?: number;
  max?: number;
  /** Where the counters came from. */
  source: 'procfs' | 'conntrack -S';
}

async function readNumber(path: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** /proc/net/stat/nf_conntrack: a header line of field names, then one line of hex numbers per CPU. */
export function parseProcStat(text: string): { insertFailed: number; drop: number } | undefined {
  const [header, ...rows] = text.trim().split('\n');
  const names = header?.trim().split(/\s+/) ?? [];
  const fi = names.indexOf('insert_failed');
  const di = names.indexOf('drop');
  if (fi < 0 || di < 0) return undefined;
  let insertFailed = 0;
  let drop = 0;
  for (const r of rows) {
    const v = r.trim().split(/\s+/);
    insertFailed += parseInt(v[fi] ?? '0', 16) || 0;
    drop += parseInt(v[di] ?? '0', 16) || 0;
  }
  return { insertFailed, drop };
}

/** `conntrack -S`: one line per CPU, `cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 ...`. */
export function parseConntrackS(text: string): { insertFailed: number; drop: number } | undefined {
  const lines = text.split('\n').filter((l) => /insert_failed=/.test(l));
  if (lines.length === 0) return undefined;
  const sum = (key: string) => lines.reduce((n, l) => n + Number(new RegExp(`\\b${key}=(\\d+)`).exec(l)?.[1] ?? 0), 0);
  return { insertFailed: sum('insert_failed'), drop: sum('drop') };
}

function conntrackS(): Promise<string | undefined> {
  return new Promise((resolve) => execFile('conntrack', ['-S'], { timeout: 3000 }, (err, stdout) => resolve(err ? undefined : String(stdout))));
}

/** Reads the counters; throws with what is missing when the kernel exposes none of them here. */
export async function readConntrackStats(): Promise<ConntrackReading> {
  const [count, max] = await Promise.all([readNumber('/proc/sys/net/netfilter/nf_conntrack_count'), readNumber('/proc/sys/net/netfilter/nf_conntrack_max')]);
  const sizes = { ...(count !== undefined ? { count } : {}), ...(max !== undefined ? { max } : {}) };
  const proc = await readFile('/proc/net/stat/nf_conntrack', 'utf8').then(parseProcStat, () => undefined);
  if (proc) return { ...proc, ...sizes, source: 'procfs' };
  const viaNetlink = await conntrackS().then((t) => (t ? parseConntrackS(t) : undefined));
  if (viaNetlink) return { ...viaNetlink, ...sizes, source: 'conntrack -S' };
  throw new Error(
    count === undefined
      ? 'this network namespace has no conntrack (no /proc/sys/net/netfilter/nf_conntrack_count)'
      : 'the kernel exposes the table size but not the counters (no /proc/net/stat/nf_conntrack, and no conntrack program for netlink)',
  );
}
