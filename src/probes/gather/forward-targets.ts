/**
 * The explicit upstreams a Corefile forwards a name to (`forward ZONE IP[:PORT]…`), for the
 * node-view probes to ask directly: first what the evaluator's explain says CoreDNS does for this client
 * (views, zones, policy), then a plain scan of the text (comments stripped, coredns-custom files
 * included): asking a few extra upstreams costs one query each, missing one would hide the answer
 * that matters. `/etc/resolv.conf` targets are not listed: node-view probes ask the node's own
 * resolvers anyway.
 */
import { explain } from '../../core/corefile/evaluate/index.js';
import { parseCorefile } from '../../core/corefile/parse.js';
import { corefilePath, fileSourceOf } from '../../core/corefile/configmap-files.js';

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

/** Zone of a server block key: `dns://cloud-b.example:53` → `cloud-b.example`. */
function keyZone(key: string): string {
  const k = key.replace(/^[a-z0-9]+:\/\//i, '');
  const z = k.replace(/:\d+$/, '');
  return z === '' ? '.' : z;
}

/**
 * Explicit forward targets of every `forward FROM TO…` line that can apply to `name` (all of them
 * when `name` is undefined): its server block's zones and its FROM zone must both cover the name.
 * Lines outside any block (coredns-custom `*.override` snippets) count for every name.
 * Deduplicated, in Corefile order.
 */
export function scanForwardTargets(texts: string[], name?: string): Upstream[] {
  const out: Upstream[] = [];
  for (const text of texts) {
    let depth = 0;
    let blockZones: string[] = ['.'];
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) continue;
      const opens = (line.match(/\{/g) ?? []).length;
      const closes = (line.match(/\}/g) ?? []).length;
      if (depth === 0 && opens > 0 && !/^forward\s/.test(line)) {
        blockZones = line.replace(/\{.*/, '').trim().split(/[\s,]+/).filter(Boolean).map(keyZone);
      }
      const m = /^forward\s+(\S+)\s+([^{]+)/.exec(line);
      if (m) {
        const covers = name === undefined || (zoneMatches(m[1]!, name) && (depth === 0 || blockZones.some((z) => zoneMatches(z, name))));
        if (covers) {
          for (const tok of m[2]!.trim().split(/\s+/)) {
            const u = parseForwardTarget(tok);
            if (u && !out.some((o) => o.ip === u.ip && o.port === u.port)) out.push(u);
          }
        }
      }
      depth = Math.max(0, depth + opens - closes);
      if (depth === 0) blockZones = ['.'];
    }
  }
  return out;
}

/**
 * The upstreams CoreDNS would forward `name` to for a query from `client` (views and all), by
 * evaluating the Corefile; [] when it would not forward, undefined when it cannot be evaluated.
 */
export function explainedUpstreams(corefile: string, files: Record<string, string>, name: string, client: string): Upstream[] | undefined {
  try {
    const parsed = parseCorefile(corefile, { file: corefilePath, files: fileSourceOf(files) });
    if (!parsed.ok) return undefined;
    const fqdn = name.endsWith('.') ? name : `${name}.`;
    const out: Upstream[] = [];
    for (const type of ['A', 'AAAA'] as const) {
      for (const u of explain(parsed.model, { name: fqdn, type, client }, { files: fileSourceOf(files) }).forwardTo ?? []) {
        if (!out.some((o) => o.ip === u.ip && o.port === u.port)) out.push({ ip: u.ip, port: u.port });
      }
    }
    return out;
  } catch {
    // The evaluator not modelling something is not a reason to lose the scan's answer.
    return undefined;
  }
}

/** Explained upstreams first (what CoreDNS really does for this client), then every other explicit target for the name. */
export function forwardTargetsFor(corefile: string, files: Record<string, string>, name: string, client: string): Upstream[] {
  const out = [...(explainedUpstreams(corefile, files, name, client) ?? [])];
  for (const u of scanForwardTargets([corefile, ...Object.values(files)], name)) {
    if (!out.some((o) => o.ip === u.ip && o.port === u.port)) out.push(u);
  }
  return out;
}
