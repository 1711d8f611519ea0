/** Execution order of plugins: CoreDNS plugin.cfg at HEAD (coredns-semantics §4.1). Corefile order is irrelevant. */
export const pluginOrder: readonly string[] = [
  'root', 'metadata', 'geoip', 'cancel', 'proxyproto', 'quic', 'grpc_server', 'https', 'https3', 'timeouts',
  'multisocket', 'reload', 'nsid', 'bufsize', 'bind', 'debug', 'trace', 'ready', 'health', 'pprof', 'shed',
  'prometheus', 'errors', 'log', 'dnstap', 'local', 'dns64', 'any', 'chaos', 'loadbalance', 'tsig', 'rewrite',
  'autopath', 'acl', 'cache', 'header', 'dnssec', 'tls', 'minimal', 'template', 'transfer', 'hosts', 'route53',
  'azure', 'clouddns', 'k8s_external', 'kubernetes', 'file', 'auto', 'secondary', 'etcd', 'loop', 'forward',
  'grpc', 'erratic', 'whoami', 'on', 'sign', 'view', 'nomad',
];

const rank = new Map(pluginOrder.map((p, i) => [p, i]));

/** Position of a directive in plugin.cfg (unknown names sort last, keeping their relative order). */
export function pluginRank(name: string): number {
  return rank.get(name) ?? pluginOrder.length;
}
