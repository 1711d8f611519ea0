/**
 * The upstream documentation the checks rely on, named once: each check's meta lists the pages its
 * reasoning stands on, and reports link them so a reader can check the claim at the source.
 */
import type { DocLink } from '../../core/model/index.js';

export const refs = {
  forward: { title: 'CoreDNS forward plugin', url: 'https://coredns.io/plugins/forward/' },
  hosts: { title: 'CoreDNS hosts plugin', url: 'https://coredns.io/plugins/hosts/' },
  view: { title: 'CoreDNS view plugin', url: 'https://coredns.io/plugins/view/' },
  kubernetes: { title: 'CoreDNS kubernetes plugin', url: 'https://coredns.io/plugins/kubernetes/' },
  cache: { title: 'CoreDNS cache plugin', url: 'https://coredns.io/plugins/cache/' },
  autopath: { title: 'CoreDNS autopath plugin', url: 'https://coredns.io/plugins/autopath/' },
  serverBlocks: { title: 'CoreDNS configuration: server blocks', url: 'https://coredns.io/manual/configuration/' },
  dnsPodService: { title: 'Kubernetes: DNS for Services and Pods', url: 'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/' },
  podDnsConfig: { title: "Kubernetes: Pod's DNS policy and config", url: 'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy' },
  dnsDebugging: { title: 'Kubernetes: Debugging DNS resolution', url: 'https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/' },
  nodeLocalDns: { title: 'Kubernetes: NodeLocal DNSCache', url: 'https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/' },
  topologyRouting: { title: 'Kubernetes: Topology Aware Routing', url: 'https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/' },
  customDns: { title: 'Kubernetes: Customizing DNS Service', url: 'https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/' },
  hostAliases: { title: 'Kubernetes: Adding entries to Pod /etc/hosts with HostAliases', url: 'https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/' },
  externalName: { title: 'Kubernetes: Services of type ExternalName', url: 'https://kubernetes.io/docs/concepts/services-networking/service/#externalname' },
  virtualIps: { title: 'Kubernetes: Virtual IPs and Service Proxies', url: 'https://kubernetes.io/docs/reference/networking/virtual-ips/' },
  networkPolicies: { title: 'Kubernetes: Network Policies', url: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/' },
  resolvConf: { title: 'resolv.conf(5): search, ndots, timeout, attempts', url: 'https://man7.org/linux/man-pages/man5/resolv.conf.5.html' },
} as const satisfies Record<string, DocLink>;
