/**
 * The explicit upstreams a Corefile forwards a name to (`forward ZONE IP[:PORT]…`), for the
 * node-view probes to ask directly. `/etc/resolv.conf` targets are not listed: the node-view
 * probe asks the node's own resolvers anyway. A plain scan of the text (comments stripped,
 * imported coredns-custom files included): forwarding to a few extra upstreams costs one query
 * each, missing one would hide the answer that matters.
 */

export interface Upstream {
  ip: string;
  port: number;
}

const ipv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Parse one forward target: `1.2.3.4`, `1.2.3.4:5353`, `dns://1.2.3.4`, `[fd00::1]:53`, `fd00::1`. Others (tls://, files) → undefined. */
export function parseForwardTarget(raw: string): Upstream | undefined {
  let s = raw;
  if (/^[a-z0-9]+:\/\//i.test(s)) {
    if (!s.toLowerCase().startsWith('dns://')) return undefined;
    s = s.slice(6);
  }
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { ip: v6[1]!, port: v6[2] ? Number(v6[2]) : 53 };
  if (/^[0-9a-fA-F:]+$/.test(s) && s.includes(':') && (s.match(/:/g)?.length ?? 0) > 1) return { ip: s, port: 53 };
  const [host, port] = s.split(':');
  if (!host || !ipv4.test(host)) return undefined;
  return { ip: host, port: port ? Number(port) : 53 };
}

function zoneMatches(zone: string, name: string): boolean {
  const z = zone.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  return z === '' || z === '.' || n === z || n.endsWith(`.${z}`);
}

/**
 * Explicit forward targets of every `forward FROM TO…` line whose FROM zone covers `name`
 * (all of them when `name` is undefined), deduplicated, in Corefile order.
 */
export function scanForwardTargets(texts: string[], name?: string): Upstream[] {
  const out: Upstream[] = [];
  for (const text of texts) {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/#.*/, '').trim();
      const m = /^forward\s+(\S+)\s+([^{]+)/.exec(line);
      if (!m) continue;
      if (name !== undefined && m[1] !== '.' && !m[1]!.split(/\s+/).some((z) => zoneMatches(z, name))) continue;
      for (const tok of m[2]!.trim().split(/\s+/)) {
        const u = parseForwardTarget(tok);
        if (u && !out.some((o) => o.ip === u.ip && o.port === u.port)) out.push(u);
      }
    }
  }
  return out;
}
