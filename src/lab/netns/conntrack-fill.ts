/**
 * The `conntrackFull` node fault of the netns backend: the node namespace's conntrack table is
 * filled to the kernel's limit with placeholder flows, so the kernel itself handles every new flow
 * through that node as on a node whose table is full: it evicts a flow that is not assured to make
 * room (early drop, counted in `early_drop`), or, when the buckets it looks at hold none, drops the
 * packet ("nf_conntrack: table full, dropping packet") and counts it in `drop`, the statistic the
 * node probe reads. `evictable` is the share of placeholders that are not assured; the kernel's
 * choice among the buckets it looks at makes the share of dropped new flows (measured on the kernel
 * this was built on: about 8% at 0.15, 43% at 0.05, all at 0).
 *
 * Why this is safe for the host: the kernel counts conntrack entries per network namespace against
 * the one global `nf_conntrack_max` (read-only outside the initial namespace, and never changed
 * here), so a full lab node leaves the host's own table as it was. The entries cost kernel memory
 * (one `nf_conn` each, 256 bytes: 64 MiB for the usual 262144), bounded below, and they go with the
 * namespace when the lab stops or dies. The placeholders are UDP flows between addresses of
 * 198.18.0.0/15 (the benchmarking range, never a scenario's); no packet is sent for them.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { DnswhyError } from '../../core/errors.js';
import { rngStream } from '../net/seeded-rng.js';
import type { LabNamespaces } from './lab-namespaces.js';

/** The largest table the backend fills (entries); beyond it the memory is not worth a lab. */
export const maxFill = 1_048_576;
/** Kernel memory per entry, rounded up, for the memory check. */
const bytesPerEntry = 320;
/** The placeholders outlive any lab (they go with the namespace anyway). */
const placeholderTimeout = 86_400;

/** Why the backend will not fill a table (too large, not enough memory, no limit). */
export class ConntrackFillError extends DnswhyError {
  override readonly code = 'lab-netns-conntrack-fill';
  override readonly permanent = true;
}

/** `conntrack -R` lines that insert `n` distinct placeholder flows, a share `evictable` of them not assured (pure; `seed` picks which). */
export function placeholderLines(n: number, evictable: number, seed: number): string {
  if (n > maxFill) throw new ConntrackFillError(`conntrackFull: ${n} entries is more than the ${maxFill} the lab fills`);
  const rng = rngStream(seed, 'conntrack-fill');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const status = rng() < evictable ? 'SEEN_REPLY' : 'ASSURED,SEEN_REPLY';
    out.push(`-I -p udp -s 198.18.${(i >> 8) & 255}.${i & 255} -d 198.19.0.1 --sport ${10000 + (i >> 16)} --dport 9 --timeout ${placeholderTimeout} --status ${status}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** What a fill did, for the start-up output. */
export interface ConntrackFill {
  node: string;
  max: number;
  count: number;
  evictable: number;
  ms: number;
}

/** Fills the table of one node namespace to the limit; checks the limit and the memory first. */
export async function fillConntrack(nsl: LabNamespaces, node: string, evictable: number, seed: number, runDir: string): Promise<ConntrackFill> {
  const ns = nsl.nodeNs(node)!;
  const read = async () => {
    const [count, max] = (await nsl.exec(ns, 'cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max')).trim().split(/\s+/).map(Number);
    return { count: count!, max: max! };
  };
  const started = Date.now();
  const before = await read();
  if (!(before.max > 0)) throw new ConntrackFillError(`conntrackFull on node ${node}: the kernel reports no conntrack limit (nf_conntrack_max is ${before.max}), so the table cannot be full`);
  if (before.max > maxFill) throw new ConntrackFillError(`conntrackFull on node ${node}: this host's nf_conntrack_max is ${before.max}; filling more than ${maxFill} entries is refused (about ${Math.round((before.max * bytesPerEntry) / 2 ** 20)} MiB of kernel memory)`);
  const n = Math.max(0, before.max - before.count);
  const needed = n * bytesPerEntry;
  if (needed * 4 > freemem()) throw new ConntrackFillError(`conntrackFull on node ${node}: ${n} entries need about ${Math.round(needed / 2 ** 20)} MiB of kernel memory; the host has ${Math.round(freemem() / 2 ** 20)} MiB free, and the lab keeps a fourfold margin`);
  const file = join(runDir, `conntrack-fill-${ns}.txt`);
  writeFileSync(file, placeholderLines(n, evictable, seed));
  try {
    // A flow of the lab itself may take the last slots meanwhile: the insert then fails at the limit, which is the point.
    await nsl.exec(ns, `conntrack -R ${file} >/dev/null 2>&1 || true`);
  } finally {
    rmSync(file, { force: true });
  }
  const after = await read();
  if (after.count < after.max - 64) throw new ConntrackFillError(`conntrackFull on node ${node}: the table holds ${after.count} of ${after.max} entries after the fill (conntrack -R did not insert them)`);
  return { node, max: after.max, count: after.count, evictable, ms: Date.now() - started };
}

/** The start-up line of a fill. */
export function fillNote(f: ConntrackFill): string {
  const how = f.evictable > 0 ? `the kernel evicts one of the ${Math.round(f.evictable * 100)}% unassured flows for a new one where its early drop finds one, and drops the new flow otherwise` : 'the kernel drops every new flow through it';
  return `conntrack table of node ${f.node} filled to ${f.count}/${f.max} in ${(f.ms / 1000).toFixed(1)} s: ${how} (counted in drop and early_drop, conntrack -S)`;
}
