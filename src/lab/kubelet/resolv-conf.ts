/**
 * A pod's /etc/resolv.conf as kubelet (pkg/kubelet/network/dns/dns.go) and containerd write it,
 * from dnsPolicy, dnsConfig, hostNetwork, the namespace, the cluster domain, the cluster DNS IP
 * (kubelet --cluster-dns) and the node's resolv.conf (kubelet --resolv-conf).
 */
import type { DnsPolicy, PodDnsConfig } from '../../core/model/k8s.js';

/** The pod fields kubelet reads. */
export interface ResolvConfPod {
  namespace: string;
  dnsPolicy?: DnsPolicy;
  dnsConfig?: PodDnsConfig;
  hostNetwork?: boolean;
}

/** kubelet flags that matter: --cluster-domain and --cluster-dns. */
export interface ResolvConfCluster {
  domain: string;
  dnsServiceIp: string;
}

/** The node: the text of the file kubelet's --resolv-conf points at. */
export interface ResolvConfNode {
  resolvConf: string;
}

/** The DNS settings kubelet hands to the runtime, plus the events it would record. */
export interface PodDnsSettings {
  nameservers: string[];
  searches: string[];
  options: string[];
  /** kubelet's DNSConfigForming warnings (limits exceeded), word for word. */
  warnings: string[];
}

/** Current kubelet limits (validation.MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars). */
export const dnsLimits = {
  nameservers: 3,
  // Kubernetes ≥1.28 (ExpandedDNSConfig GA; beta since 1.22). Older kubelets allowed 6 search domains
  // and 256 characters, and cut the list at those limits instead.
  searchPaths: 32,
  searchListChars: 2048,
} as const;

const defaultClusterOptions = ['ndots:5'];

/** Which of kubelet's three DNS types a pod gets (getPodDNSType). */
export function podDnsType(pod: ResolvConfPod): 'cluster' | 'host' | 'none' {
  switch (pod.dnsPolicy ?? 'ClusterFirst') {
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'ClusterFirst':
      // A hostNetwork pod with ClusterFirst falls back to Default: that is why ClusterFirstWithHostNet exists.
      return pod.hostNetwork ? 'host' : 'cluster';
    case 'Default':
      return 'host';
    case 'None':
      return 'none';
  }
}

/** Parses a node resolv.conf the way kubelet's getHostDNSConfig does. */
export function parseHostResolvConf(text: string): { nameservers: string[]; searches: string[]; options: string[] } {
  const nameservers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.split(/\s+/);
    if (fields[0] === 'nameserver' && fields.length >= 2) nameservers.push(fields[1]!);
    // The last search line wins (as in glibc); "." is dropped and trailing dots are removed so the same
    // domain with and without the dot counts once.
    if (fields[0] === 'search') searches = fields.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (fields[0] === 'options') options = mergeOptions(options, fields.slice(1));
  }
  return { nameservers, searches, options };
}

/** The settings kubelet computes for the pod (GetPodDNS), after limits. */
export function podDnsSettings(pod: ResolvConfPod, cluster: ResolvConfCluster, node: ResolvConfNode): PodDnsSettings {
  const host = parseHostResolvConf(node.resolvConf);
  let s: Omit<PodDnsSettings, 'warnings'>;
  switch (podDnsType(pod)) {
    case 'none':
      s = { nameservers: [], searches: [], options: [] };
      break;
    case 'host':
      s = host;
      break;
    case 'cluster':
      s = {
        nameservers: [cluster.dnsServiceIp],
        searches: clusterSearches(host.searches, pod.namespace, cluster.domain),
        // The node's options are not carried over for cluster DNS: kubelet sets ndots:5 only.
        options: [...defaultClusterOptions],
      };
      break;
  }
  if (pod.dnsConfig) {
    const c = pod.dnsConfig;
    s = {
      nameservers: omitDuplicates([...s.nameservers, ...(c.nameservers ?? [])]),
      searches: omitDuplicates([...s.searches, ...(c.searches ?? [])]),
      options: mergeOptions(s.options, (c.options ?? []).map((o) => (o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name))),
    };
  }
  return fitLimits(s);
}

/** The file content containerd writes: search, nameserver lines, options (each only when present). */
export function renderResolvConf(s: { nameservers: string[]; searches: string[]; options: string[] }): string {
  let out = '';
  if (s.searches.length > 0) out += `search ${s.searches.join(' ')}\n`;
  for (const ns of s.nameservers) out += `nameserver ${ns}\n`;
  if (s.options.length > 0) out += `options ${s.options.join(' ')}\n`;
  return out;
}

/** The pod's /etc/resolv.conf text. */
export function podResolvConf(pod: ResolvConfPod, cluster: ResolvConfCluster, node: ResolvConfNode): string {
  return renderResolvConf(podDnsSettings(pod, cluster, node));
}

function clusterSearches(hostSearches: string[], namespace: string, domain: string): string[] {
  if (!domain) return hostSearches;
  return omitDuplicates([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...hostSearches]);
}

function omitDuplicates(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * Merges options by name, later ones winning (kubelet's mergeDNSOptions). kubelet goes through a Go
 * map, so its order is random; here the first appearance of a name fixes its place (deterministic).
 */
function mergeOptions(existing: string[], added: string[]): string[] {
  const byName = new Map<string, string>();
  for (const op of [...existing, ...added]) {
    const i = op.indexOf(':');
    byName.set(i < 0 ? op : op.slice(0, i), i < 0 ? '' : op.slice(i + 1));
  }
  return [...byName].map(([name, value]) => (value !== '' ? `${name}:${value}` : name));
}

/** kubelet's formDNSConfigFitsLimits: cut nameservers to 3, search domains to 32 and 2048 characters. */
function fitLimits(s: Omit<PodDnsSettings, 'warnings'>): PodDnsSettings {
  const warnings: string[] = [];
  let { nameservers, searches } = s;
  if (nameservers.length > dnsLimits.nameservers) {
    nameservers = nameservers.slice(0, dnsLimits.nameservers);
    warnings.push(
      `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${nameservers.join(' ')}`,
    );
  }
  let exceeded = false;
  if (searches.length > dnsLimits.searchPaths) {
    searches = searches.slice(0, dnsLimits.searchPaths);
    exceeded = true;
  }
  const lineLen = searches.join(' ').length;
  if (lineLen > dnsLimits.searchListChars) {
    // Drop whole domains from the end until the line fits.
    let cut = 0;
    let cutLen = 0;
    for (let i = searches.length - 1; i >= 0; i--) {
      cutLen += searches[i]!.length + 1;
      cut++;
      if (lineLen - cutLen <= dnsLimits.searchListChars) break;
    }
    searches = searches.slice(0, searches.length - cut);
    exceeded = true;
  }
  if (exceeded) {
    warnings.push(`Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(' ')}`);
  }
  return { nameservers, searches, options: s.options, warnings };
}
