/**
 * NodeLocal DNSCache's Corefile as its node-cache process runs it: the ConfigMap keeps two
 * placeholders that node-cache fills in at start, `__PILLAR__CLUSTER__DNS__` (the address it sends
 * cluster names to: the kube-dns-upstream Service, or the DNS Service when the install wrote it) and
 * `__PILLAR__UPSTREAM__SERVERS__` (the node's resolv.conf). Install-time placeholders
 * (`__PILLAR__LOCAL__DNS__`, `__PILLAR__DNS__SERVER__`, `__PILLAR__DNS__DOMAIN__`) are replaced when the
 * manifest is applied and are left alone here.
 */

/** Where NodeLocal DNSCache keeps its Corefile (the key `Corefile` of this ConfigMap in kube-system). */
export const nodeLocalConfigMap = 'node-local-dns';

/** The Corefile node-cache loads, with its run-time placeholders filled in. */
export function nodeLocalRuntimeCorefile(text: string, clusterDnsIp: string): string {
  return text.replaceAll('__PILLAR__CLUSTER__DNS__', clusterDnsIp).replaceAll('__PILLAR__UPSTREAM__SERVERS__', '/etc/resolv.conf');
}
