/**
 * The kubernetes plugin's record lookup (coredns plugin/kubernetes parse.go, kubernetes.go findServices/
 * findPods, reverse.go) over a ClusterState given as data. Returns records or a name error.
 */
import ipaddr from 'ipaddr.js';
import type { ClusterState, ServiceFacts } from '../../../model/k8s.js';
import type { DnsRecord, RecordType } from '../../../model/dns.js';
import type { KubernetesPodMode } from '../../plugin-values.js';
import { fqdn, labelsBelow } from '../names.js';
import { rr } from './common.js';

/** The kubernetes plugin settings that shape answers. */
export interface KubeOptions {
  zones: string[];
  primary: string;
  pods: KubernetesPodMode;
  ttl: number;
  namespaces: string[] | null;
  endpointPodNames: boolean;
  ignoreEmptyService: boolean;
}

/** A parsed request name (parseRequest). */
export interface KubeName {
  podOrSvc: '' | 'svc' | 'pod';
  namespace: string;
  service: string;
  endpoint: string;
  port: string;
  protocol: string;
}

/** Outcome of a lookup: records (possibly none = NODATA) or a name error (NXDOMAIN) with the reason. */
export type KubeLookup =
  | { ok: true; records: DnsRecord[]; cname?: string; why: string }
  | { ok: false; why: string };

const strip = (s: string) => (s.startsWith('_') ? s.slice(1) : s);

/** parseRequest: `[endpoint|_port._proto.]service.namespace.(svc|pod).zone`. */
export function parseKubeName(name: string, zone: string): KubeName | 'invalid' {
  const r: KubeName = { podOrSvc: '', namespace: '', service: '', endpoint: '', port: '', protocol: '' };
  const segs = labelsBelow(name, zone);
  if (segs.length === 0 || (segs.length === 1 && (segs[0] === 'svc' || segs[0] === 'pod'))) return r;
  let last = segs.length - 1;
  const kind = segs[last]!;
  if (kind !== 'svc' && kind !== 'pod') return 'invalid';
  r.podOrSvc = kind;
  if (--last < 0) return r;
  r.namespace = segs[last]!;
  if (--last < 0) return r;
  r.service = segs[last]!;
  if (--last < 0) return r;
  if (last === 0) r.endpoint = segs[0]!;
  else if (last === 1) { r.protocol = strip(segs[1]!); r.port = strip(segs[0]!); }
  else return 'invalid';
  return r;
}

/** Namespaces that exist: the listed ones plus any that hold a service or pod (objects cannot outlive theirs). */
function namespaceExists(ns: string, cluster: ClusterState): boolean {
  return cluster.namespaces.includes(ns) || cluster.services.some((s) => s.namespace === ns) || cluster.pods.some((p) => p.namespace === ns);
}

function exposed(ns: string, cluster: ClusterState, o: KubeOptions): boolean {
  if (!namespaceExists(ns, cluster)) return false;
  return o.namespaces === null || o.namespaces.includes(ns);
}

function dashed(ip: string): string {
  if (ip.includes(':')) {
    const s = ip.replace(/:/g, '-');
    return s.endsWith('-') ? `${s}0` : s.startsWith('-') ? `0${s}` : s;
  }
  return ip.replace(/\./g, '-');
}

function clusterIps(s: ServiceFacts): string[] {
  const ips = s.clusterIPs?.length ? s.clusterIPs : s.clusterIP ? [s.clusterIP] : [];
  return ips.filter((ip) => ip !== 'None' && ip !== '');
}

function isHeadless(s: ServiceFacts): boolean {
  return s.clusterIP === 'None' || (s.clusterIPs?.[0] === 'None');
}

function family(ip: string): 'A' | 'AAAA' {
  return ip.includes(':') ? 'AAAA' : 'A';
}

function portMatches(want: string, name: string | undefined, wantProto: string, proto: string): boolean {
  const pOk = want === '' || want === '*' || want === 'any' || want === (name ?? '').toLowerCase();
  const prOk = wantProto === '' || wantProto === '*' || wantProto === 'any' || wantProto === proto.toLowerCase();
  return pOk && prOk;
}

/** Address records for a service/pod name query of `type` (A/AAAA/SRV/CNAME/TXT…); `zone` is the matched zone. */
export function kubeLookup(name: string, type: RecordType, zone: string, cluster: ClusterState, o: KubeOptions): KubeLookup {
  const r = parseKubeName(name, zone);
  if (r === 'invalid') return { ok: false, why: `${name} does not fit [endpoint.]service.namespace.(svc|pod).${zone}` };
  if (r.podOrSvc === '') return { ok: true, records: [], why: `${name} is the zone apex (or svc/pod label): NODATA` };
  if (r.namespace === '') return { ok: true, records: [], why: `${name} is ${r.podOrSvc}.${zone}: NODATA` };
  if (!exposed(r.namespace, cluster, o)) {
    return { ok: false, why: `namespace ${r.namespace} ${namespaceExists(r.namespace, cluster) ? 'is not exposed by `namespaces`' : 'does not exist'}` };
  }
  if (r.podOrSvc === 'pod') {
    if (o.pods === 'disabled') return { ok: false, why: 'pod records are disabled (`pods disabled`, the default)' };
    if (r.service === '') return { ok: true, records: [], why: `namespace ${r.namespace} exists: NODATA` };
    const text = (r.service.split('-').length === 4 && !r.service.includes('--')) ? r.service.replace(/-/g, '.') : r.service.replace(/-/g, ':');
    if (!ipaddr.isValid(text)) return { ok: false, why: `${r.service} is not a dashed IP address` };
    const ip = ipaddr.parse(text).toString();
    if (o.pods === 'verified' && !cluster.pods.some((p) => p.ip === ip && p.namespace === r.namespace)) {
      return { ok: false, why: `pods verified: no pod with IP ${ip} in namespace ${r.namespace}` };
    }
    const recs = family(ip) === type ? [rr(name, type, o.ttl, ip)] : [];
    return { ok: true, records: recs, why: `pod record (${o.pods}) for ${ip}` };
  }
  if (r.service === '') return { ok: true, records: [], why: `namespace ${r.namespace} exists: NODATA` };
  const svc = cluster.services.find((s) => s.namespace === r.namespace && s.name === r.service);
  if (!svc) return { ok: false, why: `no service ${r.service} in namespace ${r.namespace}` };
  if (svc.type === 'ExternalName') {
    const target = svc.externalName ? fqdn(svc.externalName) : '';
    if (!target || ipaddr.isValid(svc.externalName!)) return { ok: false, why: `ExternalName service ${r.namespace}/${r.service} points at ${svc.externalName ?? 'nothing'}, not a name` };
    if (r.endpoint || r.port) return { ok: false, why: 'ExternalName services have no endpoints or ports' };
    return { ok: true, records: [rr(name, 'CNAME', o.ttl, target)], cname: target, why: `ExternalName service ${r.namespace}/${r.service} → CNAME ${target}` };
  }
  const svcName = `${r.service}.${r.namespace}.svc.${zone}`;
  if (isHeadless(svc) || r.endpoint !== '') {
    const eps = cluster.endpoints.filter((e) => e.namespace === r.namespace && e.service === r.service);
    const recs: DnsRecord[] = [];
    let found = false;
    for (const ep of eps) {
      for (const a of ep.addresses) {
        if (!a.ready) continue;
        const host = a.hostname ?? (o.endpointPodNames && a.targetPod ? a.targetPod.name : dashed(a.ip));
        if (r.endpoint !== '' && r.endpoint !== host) continue;
        const ports = ep.ports.length > 0 ? ep.ports : [{ port: 0, protocol: 'TCP' }];
        for (const p of ports) {
          if (!portMatches(r.port, p.name, r.protocol, p.protocol)) continue;
          found = true;
          if (type === 'SRV') recs.push(rr(name, 'SRV', o.ttl, `0 100 ${p.port} ${host}.${svcName}`));
          else if (family(a.ip) === type && !recs.some((x) => x.data === a.ip)) recs.push(rr(name, type, o.ttl, a.ip));
        }
      }
    }
    if (!found) return { ok: false, why: r.endpoint ? `no ready endpoint ${r.endpoint} of ${r.namespace}/${r.service}` : `headless service ${r.namespace}/${r.service} has no ready endpoints` };
    return { ok: true, records: recs, why: r.endpoint ? `endpoint ${r.endpoint} of ${r.namespace}/${r.service}` : `headless service ${r.namespace}/${r.service}: ready endpoint addresses` };
  }
  const recs: DnsRecord[] = [];
  let found = false;
  for (const p of svc.ports) {
    if (!portMatches(r.port, p.name, r.protocol, p.protocol)) continue;
    found = true;
    for (const ip of clusterIps(svc)) {
      if (type === 'SRV') recs.push(rr(name, 'SRV', o.ttl, `0 100 ${p.port} ${svcName}`));
      else if (family(ip) === type && !recs.some((x) => x.data === ip)) recs.push(rr(name, type, o.ttl, ip));
    }
  }
  if (!found) return { ok: false, why: `service ${r.namespace}/${r.service} has no matching port` };
  return { ok: true, records: recs, why: `ClusterIP service ${r.namespace}/${r.service} (${clusterIps(svc).join(', ')})` };
}

/** Same address? IPv4 text compares directly; IPv6 is normalised first (many spellings). */
function sameIp(a: string, b: string): boolean {
  if (!a.includes(':') && !b.includes(':')) return a === b;
  return ipaddr.isValid(a) && ipaddr.isValid(b) && ipaddr.parse(a).toString() === ipaddr.parse(b).toString();
}

/** PTR lookup: ClusterIPs, then endpoint addresses, named under the primary zone. */
export function kubeReverse(ip: string, cluster: ClusterState, o: KubeOptions): string[] {
  const out: string[] = [];
  for (const s of cluster.services) {
    if (!exposed(s.namespace, cluster, o)) continue;
    if (clusterIps(s).some((c) => sameIp(c, ip))) out.push(`${s.name}.${s.namespace}.svc.${o.primary}`);
  }
  if (out.length) return out;
  for (const e of cluster.endpoints) {
    if (!exposed(e.namespace, cluster, o)) continue;
    for (const a of e.addresses) {
      if (sameIp(a.ip, ip)) {
        out.push(`${a.hostname ?? (o.endpointPodNames && a.targetPod ? a.targetPod.name : dashed(a.ip))}.${e.service}.${e.namespace}.svc.${o.primary}`);
      }
    }
  }
  return out;
}

/** `ns.dns.Z`: the addresses of CoreDNS's own service (kube-system/kube-dns by convention). */
export function kubeNsAddrs(cluster: ClusterState): string[] {
  const svc = cluster.services.find((s) => s.namespace === 'kube-system' && s.name === 'kube-dns');
  return svc ? clusterIps(svc) : [];
}
