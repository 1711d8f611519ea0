/**
 * Scenario address selectors (docs/lab-scenario.md, "Addresses and selectors"): an IP, a CIDR, `node:NAME`,
 * `zone:ZONE`, `pod:NS/NAME`, `service:NS/NAME`. Compiled once against the topology; node and
 * zone selectors stay live so pods registered later (probe pods) are matched too.
 */
import ipaddr from 'ipaddr.js';
import { inCidr, type Topology } from './topology.js';
import { DnswhyError } from '../../core/errors.js';

/** A selector that names something the scenario does not have, or is not a selector at all. */
export class SelectorError extends DnswhyError {
  override readonly code = 'lab-selector-invalid';
  override readonly permanent = true;
  constructor(readonly selector: string, reason: string) {
    super(`selector "${selector}": ${reason}`);
  }
}

/** A compiled selector: does this cluster IP belong to it? */
export type IpMatcher = (ip: string) => boolean;

function nodeMatcher(topo: Topology, names: Set<string>): IpMatcher {
  return (ip) => {
    if (topo.nodes.some((n) => names.has(n.name) && n.ip === ip)) return true;
    const node = topo.nodeOfPodIp(ip);
    return node !== undefined && names.has(node.name);
  };
}

function splitRef(sel: string, rest: string): [string, string] {
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) throw new SelectorError(sel, 'expected NAMESPACE/NAME');
  return [rest.slice(0, slash), rest.slice(slash + 1)];
}

/**
 * Compiles one selector. Throws SelectorError for unknown nodes, zones, pods or Services and for
 * strings that are neither an IP nor a CIDR.
 */
export function compileSelector(sel: string, topo: Topology): IpMatcher {
  const colon = sel.indexOf(':');
  const kind = colon > 0 ? sel.slice(0, colon) : '';
  const rest = sel.slice(colon + 1);
  switch (kind) {
    case 'node': {
      if (!topo.node(rest)) throw new SelectorError(sel, `no node named "${rest}"`);
      return nodeMatcher(topo, new Set([rest]));
    }
    case 'zone': {
      const names = new Set(topo.nodes.filter((n) => n.zone === rest).map((n) => n.name));
      if (names.size === 0) throw new SelectorError(sel, `no node has topology.kubernetes.io/zone=${rest}`);
      return nodeMatcher(topo, names);
    }
    case 'pod': {
      const [ns, name] = splitRef(sel, rest);
      // Looked up at match time: a pod may be replaced (rollout) with a new IP but the same name.
      if (!topo.pod(ns, name)) throw new SelectorError(sel, `no pod ${ns}/${name}`);
      return (ip) => topo.pod(ns, name)?.ip === ip;
    }
    case 'service': {
      const [ns, name] = splitRef(sel, rest);
      const svc = topo.service(ns, name);
      if (!svc) throw new SelectorError(sel, `no Service ${ns}/${name}`);
      if (!svc.clusterIP || svc.clusterIP === 'None') throw new SelectorError(sel, `Service ${ns}/${name} has no cluster IP`);
      const vip = svc.clusterIP;
      return (ip) => ip === vip;
    }
    default: {
      if (sel.includes('/')) {
        try {
          ipaddr.parseCIDR(sel);
        } catch {
          throw new SelectorError(sel, 'not a valid CIDR');
        }
        return (ip) => inCidr(ip, sel);
      }
      if (!ipaddr.isValid(sel)) {
        throw new SelectorError(sel, 'expected an IP, a CIDR, node:NAME, zone:ZONE, pod:NS/NAME or service:NS/NAME');
      }
      const want = ipaddr.parse(sel).toString();
      return (ip) => ipaddr.isValid(ip) && ipaddr.parse(ip).toString() === want;
    }
  }
}

/** Compiles a list of selectors into one matcher (any of them). An empty list matches nothing. */
export function compileSelectors(sels: readonly string[], topo: Topology): IpMatcher {
  const ms = sels.map((s) => compileSelector(s, topo));
  return (ip) => ms.some((m) => m(ip));
}
