/** /etc/hosts as the libc "files" backend reads it. Pure. */

/** One line of a hosts file. */
export interface HostsEntry {
  ip: string;
  names: string[];
}

/** Parses hosts text: `IP name [aliases...]`, `#` comments, blank lines. Malformed lines are skipped. */
export function parseHostsFile(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [ip, ...names] = line.split(/\s+/);
    if (!ip || names.length === 0 || !(/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || ip.includes(':'))) continue;
    out.push({ ip, names });
  }
  return out;
}

/**
 * Addresses the files backend returns for a name (case-insensitive, trailing dot ignored; no
 * search list), in file order, IPv4 for A and IPv6 for AAAA.
 */
export function hostsLookup(entries: HostsEntry[], name: string, families: readonly string[] = ['A', 'AAAA']): string[] {
  const want = name.replace(/\.$/, '').toLowerCase();
  const out: string[] = [];
  for (const e of entries) {
    const v6 = e.ip.includes(':');
    if (!families.includes(v6 ? 'AAAA' : 'A')) continue;
    if (e.names.some((n) => n.toLowerCase() === want) && !out.includes(e.ip)) out.push(e.ip);
  }
  return out;
}
