/**
 * kubernetes (coredns plugin/kubernetes handler.go): authoritative for its zones. NXDOMAIN (with the
 * plugin's SOA in authority) for names that do not exist unless `fallthrough` covers them, NODATA
 * with SOA for existing names without the asked type, ExternalName as CNAME chased through the same
 * listener, PTR for service and endpoint IPs.
 */
import type { DirectiveNode } from '../../model.js';
import { isOneOf, kubernetesPodModes } from '../../plugin-values.js';
import type { ClusterState } from '../../../model/k8s.js';
import type { DnsRecord } from '../../../model/dns.js';
import { addressFromReverse, isReverse, labelsBelow, matchZone } from '../names.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { fallsThrough, normalizeZones, parseFall, rr, type BlockContext } from './common.js';
import { kubeLookup, kubeNsAddrs, kubeReverse, type KubeOptions } from './kubernetes-records.js';

const emptyCluster: ClusterState = { namespaces: [], services: [], endpoints: [], pods: [] };

/** The SOA the plugin puts in authority: `Z SOA ns.dns.Z hostmaster.Z serial 7200 1800 86400 ttl`, RR TTL min(ttl,300). */
export function kubeSoa(zone: string, ttl: number, serial: number): DnsRecord {
  const z = zone === '.' ? '' : zone;
  return rr(zone, 'SOA', Math.min(ttl, 300), `ns.dns.${z} hostmaster.${z} ${serial} 7200 1800 86400 ${ttl}`);
}

/** Builds the kubernetes plugin of a block (once per block). */
export function kubernetesPlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  const d = directives[0]!;
  const zones = d.args.length > 0 ? normalizeZones(d.args.map((t) => t.text)) : [...ctx.zones];
  const lines = d.block ?? [];
  const opt = (k: string) => lines.find((l) => l.name === k);
  const podsText = opt('pods')?.args[0]?.text ?? 'disabled';
  const ttlText = opt('ttl')?.args[0]?.text;
  const nsLine = opt('namespaces');
  const o: KubeOptions = {
    zones,
    primary: zones.find((z) => !isReverse(z)) ?? zones[0] ?? '.',
    pods: isOneOf(kubernetesPodModes, podsText) ? podsText : 'disabled',
    ttl: ttlText !== undefined && /^\d+$/.test(ttlText) ? Number(ttlText) : 5,
    namespaces: nsLine ? nsLine.args.map((t) => t.text) : null,
    endpointPodNames: !!opt('endpoint_pod_names'),
    ignoreEmptyService: lines.some((l) => l.name === 'ignore' && l.args.some((t) => t.text === 'empty_service')),
  };
  const fall = parseFall(lines);
  const serial = ctx.world.kubernetesSerial ?? 1;
  const label = `kubernetes ${zones.join(' ')} (line ${d.pos.line})`;
  const serve = (req: Req): Outcome => {
    const name = req.name;
    const zone = matchZone(zones, name);
    if (zone === '') return { kind: 'next', note: `${label}: ${name} is outside its zones.` };
    const cluster = ctx.world.cluster ?? emptyCluster;
    const soa = kubeSoa(zone, o.ttl, serial);
    const nodata = (why: string): Outcome => ({
      kind: 'answer',
      res: reply('NOERROR', { aa: true, authority: [soa] }),
      note: `${label}: ${why}; no ${req.type} record: NODATA with SOA.`,
    });
    const nameError = (reason: string): Outcome => {
      const why = ctx.world.cluster ? reason : `${reason} (no cluster objects were given to the evaluator)`;
      if (fallsThrough(fall, name)) return { kind: 'next', note: `${label}: ${why}; fallthrough covers ${name}, passed on.` };
      return {
        kind: 'answer',
        res: reply('NXDOMAIN', { aa: true, authority: [soa] }),
        note: `${label}: ${why}: NXDOMAIN with its SOA (authoritative for ${zone}${fall ? `; fallthrough only covers ${fall.join(' ')}` : ''}).`,
      };
    };
    const answer = (records: DnsRecord[], why: string, chase?: string): Outcome => {
      if (records.length === 0) return nodata(why);
      return {
        kind: 'answer',
        res: reply('NOERROR', { aa: true, answers: records }),
        note: `${label}: ${why}.`,
        ...(chase ? { chase: { name: chase, type: req.type } } : {}),
      };
    };
    if (req.type === 'AXFR' || req.type === 'IXFR') return { kind: 'answer', res: reply('REFUSED', { written: false }), note: `${label}: zone transfer refused.` };
    if (name === zone && (req.type === 'SOA' || req.type === 'NS')) {
      if (req.type === 'SOA') return answer([soa], 'SOA of the zone apex');
      const ns = `ns.dns.${zone === '.' ? '' : zone}`;
      return { kind: 'answer', res: reply('NOERROR', { aa: true, answers: [rr(name, 'NS', o.ttl, ns)], additional: kubeNsAddrs(cluster).map((ip) => rr(ns, ip.includes(':') ? 'AAAA' : 'A', o.ttl, ip)) }), note: `${label}: NS of the zone apex.` };
    }
    if (isReverse(name)) {
      const ip = addressFromReverse(name);
      if (ip === '') return nameError(`${name} is not a full reverse address`);
      const names = kubeReverse(ip, cluster, o);
      if (names.length === 0) return nameError(`no service or endpoint has IP ${ip}`);
      if (req.type !== 'PTR') return nodata(`${ip} belongs to ${names.join(', ')}`);
      return answer(names.map((n) => rr(name, 'PTR', o.ttl, n)), `PTR ${ip} → ${names.join(', ')}`);
    }
    const below = labelsBelow(name, zone);
    if (below.length === 2 && below[0] === 'ns' && below[1] === 'dns') {
      const ips = kubeNsAddrs(cluster).filter((ip) => (req.type === 'AAAA') === ip.includes(':'));
      return answer(req.type === 'A' || req.type === 'AAAA' ? ips.map((ip) => rr(name, req.type, o.ttl, ip)) : [], 'ns.dns: CoreDNS\'s own service addresses');
    }
    if (req.type === 'TXT' && below.length === 1 && below[0] === 'dns-version') return answer([rr(name, 'TXT', 28800, '1.1.0')], 'schema version');
    const lookupType = ['A', 'AAAA', 'SRV', 'CNAME'].includes(req.type) ? req.type : 'A';
    const r = kubeLookup(name, lookupType, zone, cluster, o);
    if (!r.ok) return nameError(r.why);
    // Other types on an existing name: NODATA (CoreDNS does a fake A lookup to tell NODATA from NXDOMAIN).
    if (lookupType !== req.type) return nodata(r.why);
    if (r.cname) {
      if (req.type === 'A' || req.type === 'AAAA') return answer(r.records, `${r.why}, target resolved through this listener`, r.cname);
      return answer(r.records, r.why);
    }
    return answer(r.records, r.why);
  };
  return [{ name: 'kubernetes', line: d.pos.line, serve }];
}
