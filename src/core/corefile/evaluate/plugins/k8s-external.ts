/**
 * k8s_external (coredns plugin/k8s_external): `service.namespace.ZONE` → the service's external IPs
 * (LoadBalancer ingress IPs count as external IPs in CoreDNS). Apex SOA/NS and `ns1.dns.ZONE`; a missing
 * name is NXDOMAIN with its SOA unless `fallthrough` covers it. Needs kubernetes in the same block.
 */
import type { DirectiveNode } from '../../model.js';
import type { ClusterState } from '../../../model/k8s.js';
import type { DnsRecord } from '../../../model/dns.js';
import { isSubdomain, labelsBelow, matchZone } from '../names.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { fallsThrough, originsOrBlock, parseFall, rr, type BlockContext } from './common.js';

const empty: ClusterState = { namespaces: [], services: [], endpoints: [], pods: [] };

/** Builds k8s_external (once per block). */
export function k8sExternalPlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  const d = directives[0]!;
  const zones = originsOrBlock(d.args.map((t) => t.text), ctx);
  const lines = d.block ?? [];
  const apex = lines.find((l) => l.name === 'apex')?.args[0]?.text ?? 'dns';
  const ttlText = lines.find((l) => l.name === 'ttl')?.args[0]?.text;
  const ttl = ttlText !== undefined && /^\d+$/.test(ttlText) ? Number(ttlText) : 5;
  const fall = parseFall(lines);
  const hasKubernetes = ctx.block.directives.some((x) => x.name === 'kubernetes');
  const label = `k8s_external ${zones.join(' ')} (line ${d.pos.line})`;
  const soa = (zone: string): DnsRecord => rr(zone, 'SOA', ttl, `ns1.${apex}.${zone} hostmaster.${apex}.${zone} 12345 7200 1800 86400 ${ttl}`);
  const serve = (req: Req): Outcome => {
    if (!hasKubernetes) return { kind: 'next', note: `${label}: no kubernetes plugin in this block (CoreDNS refuses to start: "kubernetes plugin not loaded").` };
    const zone = matchZone(zones, req.name);
    if (zone === '') return { kind: 'next' };
    if (req.name === zone) {
      const answers = req.type === 'SOA' ? [soa(zone)] : req.type === 'NS' ? [rr(zone, 'NS', ttl, `ns1.${apex}.${zone}`)] : [];
      return { kind: 'answer', res: reply('NOERROR', { aa: true, answers, authority: answers.length ? [] : [soa(zone)] }), note: `${label}: zone apex.` };
    }
    if (isSubdomain(req.name, `${apex}.${zone}`)) {
      return { kind: 'answer', res: reply('NOERROR', { aa: true, authority: [soa(zone)] }), note: `${label}: ${req.name} is under its ${apex}.${zone} sub-apex: NODATA.` };
    }
    const cluster = ctx.world.cluster ?? empty;
    const segs = labelsBelow(req.name, zone);
    const ns = segs[segs.length - 1]!;
    const nsExists = cluster.namespaces.includes(ns) || cluster.services.some((s) => s.namespace === ns);
    const svc = segs.length === 2 && nsExists ? cluster.services.find((s) => s.namespace === ns && s.name === segs[0]) : undefined;
    const ips = svc?.externalIPs ?? [];
    if (ips.length === 0 || svc?.ports.length === 0) {
      if (segs.length === 1 && nsExists) return { kind: 'answer', res: reply('NOERROR', { aa: true, authority: [soa(zone)] }), note: `${label}: namespace ${ns}: NODATA.` };
      const why = !nsExists ? `namespace ${ns} does not exist` : svc ? `service ${ns}/${svc.name} has no external IPs` : `${req.name} is not service.namespace.${zone} of an existing service`;
      if (fallsThrough(fall, req.name)) return { kind: 'next', note: `${label}: ${why}; fallthrough passes it on.` };
      return { kind: 'answer', res: reply('NXDOMAIN', { aa: true, authority: [soa(zone)] }), note: `${label}: ${why}: NXDOMAIN with its SOA.` };
    }
    const fam = req.type === 'AAAA' ? (ip: string) => ip.includes(':') : (ip: string) => !ip.includes(':');
    const answers = req.type === 'A' || req.type === 'AAAA' ? ips.filter(fam).map((ip) => rr(req.name, req.type, ttl, ip)) : [];
    return {
      kind: 'answer',
      res: reply('NOERROR', { aa: true, answers, authority: answers.length ? [] : [soa(zone)] }),
      note: `${label}: external IPs of ${ns}/${svc!.name}: ${ips.join(', ')}.`,
    };
  };
  return [{ name: 'k8s_external', line: d.pos.line, serve }];
}
