/**
 * A pod's /etc/hosts as kubelet writes it (managedHostsFileContent in pkg/kubelet/kubelet_pods.go):
 * header, localhost lines, the pod's own line, then the hostAliases.
 */
import type { HostAlias } from '../../core/model/k8s.js';

export interface HostsFilePod {
  name: string;
  /** spec.hostname; the pod name otherwise. */
  hostname?: string;
  /** spec.subdomain with the namespace and cluster domain: the pod's line then carries the FQDN first. */
  hostDomain?: string;
  ips: string[];
  hostAliases?: HostAlias[];
  hostNetwork?: boolean;
}

const header = '# Kubernetes-managed hosts file.\n';
const headerHostNetwork = '# Kubernetes-managed hosts file (host network).\n';

/**
 * The node's /etc/hosts, for hostNetwork pods (kubelet copies the node's file). The lab has no node
 * file in scenarios, so it stands in with what a Debian node has.
 */
export function nodeHostsFile(nodeName: string, nodeIp: string): string {
  return `127.0.0.1\tlocalhost\n${nodeIp}\t${nodeName}\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`;
}

/** The pod's hostname as kubelet sets it: spec.hostname or the name, cut to 63 characters without a trailing "-" or ".". */
export function podHostname(pod: { name: string; hostname?: string }): string {
  const h = pod.hostname || pod.name;
  return h.length <= 63 ? h : h.slice(0, 63).replace(/[-.]+$/, '');
}

/** The /etc/hosts text; `nodeFile` is the node's own hosts file (used for hostNetwork pods). */
export function podHostsFile(pod: HostsFilePod, nodeFile?: string): string {
  let out: string;
  if (pod.hostNetwork) {
    out = headerHostNetwork + (nodeFile ?? '');
  } else {
    const hostname = podHostname(pod);
    out =
      header +
      '127.0.0.1\tlocalhost\n' +
      '::1\tlocalhost ip6-localhost ip6-loopback\n' +
      'fe00::0\tip6-localnet\n' +
      'fe00::0\tip6-mcastprefix\n' +
      'fe00::1\tip6-allnodes\n' +
      'fe00::2\tip6-allrouters\n';
    for (const ip of pod.ips) {
      out += pod.hostDomain ? `${ip}\t${hostname}.${pod.hostDomain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
    }
  }
  const aliases = pod.hostAliases ?? [];
  if (aliases.length > 0) {
    out += '\n# Entries added by HostAliases.\n';
    for (const a of aliases) out += `${a.ip}\t${a.hostnames.join('\t')}\n`;
  }
  return out;
}
