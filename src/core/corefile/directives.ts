/**
 * The directive list CoreDNS compiles in (plugin.cfg → core/dnsserver/zdirectives.go). The parser
 * rejects any other directive name with "Unknown directive 'x'". Which names exist depends on the
 * CoreDNS version: the since/until columns come from `git show vX:plugin.cfg` for every release tag.
 */
import { atLeast } from './version.js';

/** One plugin.cfg entry and the releases that ship it. */
export interface DirectiveInfo {
  name: string;
  /** First release whose plugin.cfg lists it. */
  since: string;
  /** Last release that still lists it (absent: still present at HEAD). */
  until?: string;
}

/**
 * Execution order at HEAD (coredns 1.14.7 plugin.cfg). A request enters at the first plugin present
 * in the block; Corefile order is irrelevant (docs/coredns-semantics.md, "Plugin order").
 */
export const directiveOrder: readonly string[] = [
  'root', 'metadata', 'geoip', 'cancel', 'proxyproto', 'quic', 'grpc_server', 'https', 'https3', 'timeouts',
  'multisocket', 'reload', 'nsid', 'bufsize', 'bind', 'debug', 'trace', 'ready', 'health', 'pprof', 'shed',
  'prometheus', 'errors', 'log', 'dnstap', 'local', 'dns64', 'any', 'chaos', 'loadbalance', 'tsig', 'rewrite',
  'autopath', 'acl', 'cache', 'header', 'dnssec', 'tls', 'minimal', 'template', 'transfer', 'hosts', 'route53',
  'azure', 'clouddns', 'k8s_external', 'kubernetes', 'file', 'auto', 'secondary', 'etcd', 'loop', 'forward',
  'grpc', 'erratic', 'whoami', 'on', 'sign', 'view', 'nomad',
];

const since: Record<string, string> = {
  nsid: '1.0.1', template: '1.0.3', route53: '1.0.5', forward: '1.0.5', on: '1.0.5', reload: '1.1.0',
  metadata: '1.2.0', loop: '1.2.1', k8s_external: '1.3.0', cancel: '1.5.0', ready: '1.5.0', grpc: '1.5.0',
  any: '1.5.1', azure: '1.6.2', clouddns: '1.6.3', sign: '1.6.3', acl: '1.6.4', transfer: '1.6.5',
  bufsize: '1.6.6', dns64: '1.7.0', local: '1.8.1', minimal: '1.8.4', geoip: '1.8.5', header: '1.8.5',
  tsig: '1.9.4', view: '1.10.0', timeouts: '1.10.1', multisocket: '1.12.0', quic: '1.12.2', nomad: '1.13.0',
  grpc_server: '1.14.0', https: '1.14.0', https3: '1.14.0', proxyproto: '1.14.3', shed: '1.14.7',
};

/** Directives that existed once and were removed (name → [since, last release listing it]). */
const removed: Record<string, [string, string]> = {
  reverse: ['1.0.0', '1.1.4'], federation: ['1.0.0', '1.6.9'], proxy: ['1.0.0', '1.4.0'],
  startup: ['1.0.0', '1.1.0'], shutdown: ['1.0.0', '1.1.0'],
};

/** Every directive CoreDNS has ever compiled in, with the releases that know it. */
export const directives: readonly DirectiveInfo[] = [
  ...directiveOrder.map((name) => ({ name, since: since[name] ?? '1.0.0' })),
  ...Object.entries(removed).map(([name, [s, until]]) => ({ name, since: s, until })),
];

const byName = new Map(directives.map((d) => [d.name, d]));

/** True when `name` is a directive of the given CoreDNS version (default: the newest). */
export function isKnownDirective(name: string, corednsVersion?: string): boolean {
  const d = byName.get(name);
  if (!d) return false;
  if (!atLeast(corednsVersion, d.since)) return false;
  if (d.until !== undefined && atLeast(corednsVersion, nextPatch(d.until))) return false;
  return true;
}

/** Position of a directive in the HEAD execution order (-1 when not in it). */
export function directiveRank(name: string): number {
  return directiveOrder.indexOf(name);
}

function nextPatch(v: string): string {
  const [a, b, c] = v.split('.').map(Number);
  return `${a}.${b}.${(c ?? 0) + 1}`;
}
