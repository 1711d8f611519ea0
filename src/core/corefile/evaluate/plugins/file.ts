/**
 * file (coredns plugin/file): authoritative answers from a zone file read through the FileSource. Existing
 * name and type → records; name without that type → NODATA with the SOA; CNAME → the CNAME, chased through
 * the listener for A/AAAA; wildcards; missing name → NXDOMAIN with the SOA (or next with `fallthrough`).
 */
import type { DirectiveNode } from '../../model.js';
import type { DnsRecord } from '../../../model/dns.js';
import { isSubdomain, matchZone } from '../names.js';
import { parseZoneFile } from '../zone-file.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { fallsThrough, originsOrBlock, parseFall, type BlockContext } from './common.js';

/** Builds one file instance per directive (each serves its own zones). */
export function filePlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  return directives.map((d) => {
    const args = d.args.map((t) => t.text);
    const path = (args[0] ?? '').startsWith('/') ? args[0]! : `/${args[0] ?? ''}`;
    const zones = originsOrBlock(args.slice(1), ctx);
    const fall = parseFall(d.block);
    const label = `file ${args.join(' ')} (line ${d.pos.line})`;
    let text: string | undefined | null;
    try { text = ctx.world.files?.read(path); } catch { text = null; }
    const loaded = new Map<string, DnsRecord[] | string>();
    for (const z of zones) {
      if (typeof text !== 'string') { loaded.set(z, `${path} not readable`); continue; }
      const r = parseZoneFile(text, z);
      loaded.set(z, r.ok ? r.records : r.error);
    }
    const serve = (req: Req): Outcome => {
      const zone = matchZone(zones, req.name);
      if (zone === '') return { kind: 'next' };
      const data = loaded.get(zone)!;
      if (typeof data === 'string') return { kind: 'answer', res: reply('SERVFAIL', { written: false }), note: `${label}: zone ${zone} is not loaded (${data}): SERVFAIL.` };
      const soa = data.find((r) => r.type === 'SOA' && r.name === zone)!;
      let owned = data.filter((r) => r.name === req.name);
      let wildcard = false;
      if (owned.length === 0 && !data.some((r) => isSubdomain(r.name, req.name))) {
        const star = `*.${req.name.slice(req.name.indexOf('.') + 1)}`;
        const w = data.filter((r) => r.name === star);
        if (w.length) { owned = w.map((r) => ({ ...r, name: req.name })); wildcard = true; }
      }
      if (owned.length === 0 && !data.some((r) => isSubdomain(r.name, req.name))) {
        if (fallsThrough(fall, req.name)) return { kind: 'next', note: `${label}: ${req.name} is not in the zone; fallthrough passes it on.` };
        return { kind: 'answer', res: reply('NXDOMAIN', { aa: true, authority: [soa] }), note: `${label}: ${req.name} is not in zone ${zone}: NXDOMAIN with its SOA.` };
      }
      const exact = owned.filter((r) => r.type === req.type);
      if (exact.length) return { kind: 'answer', res: reply('NOERROR', { aa: true, answers: exact }), note: `${label}: ${req.name} ${req.type} from the zone file${wildcard ? ' (wildcard)' : ''}.` };
      const cname = owned.find((r) => r.type === 'CNAME');
      if (cname) {
        return {
          kind: 'answer', res: reply('NOERROR', { aa: true, answers: [cname] }), note: `${label}: ${req.name} is a CNAME to ${cname.data}.`,
          ...(req.type === 'A' || req.type === 'AAAA' ? { chase: { name: cname.data, type: req.type } } : {}),
        };
      }
      return { kind: 'answer', res: reply('NOERROR', { aa: true, authority: [soa] }), note: `${label}: ${req.name} has no ${req.type} record: NODATA with the SOA.` };
    };
    return { name: 'file', line: d.pos.line, serve };
  });
}
