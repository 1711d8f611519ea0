/** Helpers shared by plugin implementations: zones from args or block keys, fallthrough, records. */
import type { DirectiveNode, ServerBlockNode } from '../../model.js';
import type { DnsRecord, RecordType } from '../../../model/dns.js';
import { fqdn, matchZone } from '../names.js';
import { cidrToReverseZones } from '../reverse-zones.js';
import type { EvalWorld, PluginInstance } from '../types.js';

/** What a plugin factory gets to build its instances. */
export interface BlockContext {
  block: ServerBlockNode;
  /** Zones of all the block's keys (CIDR keys expanded). */
  zones: string[];
  world: EvalWorld;
}

/** Builds the instances of one plugin from all of its directives in a block (Corefile order). */
export type PluginFactory = (directives: DirectiveNode[], ctx: BlockContext) => PluginInstance[];

/** Normalises zone arguments (`plugin.Host.NormalizeExact`): schemes/ports stripped, CIDRs to reverse zones. */
export function normalizeZones(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of args) {
    let a = raw.replace(/^[a-z0-9]+:\/\//, '');
    if (a.includes('/')) {
      const rev = cidrToReverseZones(a);
      if (rev.length > 0) { out.push(...rev); continue; }
    }
    const colon = a.lastIndexOf(':');
    if (colon > 0 && !a.includes('::') && /^\d+$/.test(a.slice(colon + 1))) a = a.slice(0, colon);
    out.push(fqdn(a));
  }
  return out;
}

/** `OriginsFromArgsOrServerBlock`: explicit zones, else the block's zones. */
export function originsOrBlock(args: readonly string[], ctx: BlockContext): string[] {
  return args.length > 0 ? normalizeZones(args) : [...ctx.zones];
}

/** A `fallthrough [ZONES...]` setting; null when absent. */
export type Fall = string[] | null;

/** Reads `fallthrough` lines of a nested block (no args = everything). */
export function parseFall(lines: readonly DirectiveNode[] | null): Fall {
  const f = lines?.find((l) => l.name === 'fallthrough');
  if (!f) return null;
  return f.args.length === 0 ? ['.'] : normalizeZones(f.args.map((t) => t.text));
}

/** `fall.Through(qname)`. */
export function fallsThrough(fall: Fall, name: string): boolean {
  return fall !== null && matchZone(fall, name) !== '';
}

/** A resource record. */
export function rr(name: string, type: RecordType, ttl: number, data: string): DnsRecord {
  return { name, type, ttl, data };
}
