/**
 * The nft ruleset of one lab namespace (pure): kube-proxy's Service DNAT with a random endpoint per
 * new flow (`numgen random`, so conntrack keeps the choice for the flow, as kube-proxy's nft mode
 * does), REJECT for Services without endpoints, the CNI's masquerade for traffic leaving the cluster,
 * the scenario's network rules (first match decides: drop, reject, loss with `numgen`; a delay
 * rule accepts here and the receiving server adds the delay, because this kernel has no netem), and
 * in a node the NetworkPolicies of its pods (policy-plan.ts).
 *
 * A rule is judged once, where the packet enters the network: in the sender's node for its pods
 * (forward, from a pod veth) and for the node itself (output), in the outside namespace for the
 * resolvers there. Only packets in a flow's original direction are judged (replies pass), as the
 * lab's servers judge only what they receive. A rule's `to` matches the address the sender used or
 * the endpoint kube-proxy chose; its `from` is what the receiver sees: a pod's own address inside
 * the cluster, its node's address outside it (masquerade).
 */
import type { ScenarioRule } from '../scenario/schema.js';

/** A Service port kube-proxy translates, with its ready endpoints. */
export interface ServicePort {
  ip: string;
  port: number;
  proto: 'udp' | 'tcp';
  backends: { ip: string; port: number }[];
}

/** A scenario rule with its selectors resolved to addresses and CIDRs (undefined: any). */
export interface ResolvedRule {
  rule: ScenarioRule;
  from?: string[];
  to?: string[];
}

/** Where a ruleset goes. */
export type RulesetPlace = { kind: 'node'; ip: string } | { kind: 'outside' };

export const tableName = 'dnswhy';
const lossScale = 10000;

function set(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

function protoMatch(r: ScenarioRule): string {
  const l4 = r.proto === 'any' ? 'meta l4proto { udp, tcp }' : `meta l4proto ${r.proto}`;
  return r.port === undefined ? l4 : `${l4} th dport ${r.port}`;
}

/** The verdict chain of one rule: it always ends the packet's evaluation (first match decides). */
function verdictChain(i: number, r: ScenarioRule): string[] {
  const body = (() => {
    switch (r.action) {
      case 'drop':
        return ['counter drop'];
      case 'reject':
        return ['meta l4proto tcp counter reject with tcp reset', 'counter reject'];
      case 'loss':
        return [`numgen random mod ${lossScale} < ${Math.round((r.rate ?? 0) * lossScale)} counter drop`, 'accept'];
      case 'delay':
        return ['counter accept'];
    }
  })();
  return [`  chain rule${i} {`, ...body.map((l) => `    ${l}`), '  }'];
}

/** The match lines of one rule in one place (none when it cannot apply there). */
function ruleMatches(r: ResolvedRule, i: number, place: RulesetPlace): string[] {
  const tail = `${protoMatch(r.rule)} jump rule${i}`;
  const toForms = r.to ? [`ct original ip daddr ${set(r.to)}`, `ip daddr ${set(r.to)}`] : [''];
  const out: string[] = [];
  for (const to of toForms) {
    if (place.kind === 'outside') {
      out.push([r.from ? `ip saddr ${set(r.from)}` : '', to, tail].filter(Boolean).join(' '));
      continue;
    }
    // Inside the cluster the receiver sees the sender's own address.
    out.push(['ip daddr @cluster', r.from ? `ip saddr ${set(r.from)}` : '', to, tail].filter(Boolean).join(' '));
    // Outside it, this node's address (masquerade): the rule applies to all of the node's traffic or none.
    if (!r.from || r.from.some((f) => f === place.ip || (f.includes('/') && cidrHas(f, place.ip)))) {
      out.push(['ip daddr != @cluster', to, tail].filter(Boolean).join(' '));
    }
  }
  return out;
}

function cidrHas(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const v = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(v(base!) / size) * size;
  return v(ip) >= start && v(ip) < start + size;
}

function dnatLine(s: ServicePort): string {
  const samePort = s.backends.every((b) => b.port === s.port);
  if (samePort) {
    const map = s.backends.map((b, k) => `${k} : ${b.ip}`).join(', ');
    return `ip daddr ${s.ip} ${s.proto} dport ${s.port} dnat to numgen random mod ${s.backends.length} map { ${map} }`;
  }
  const map = s.backends.map((b, k) => `${k} : ${b.ip} . ${b.port}`).join(', ');
  return `ip daddr ${s.ip} ${s.proto} dport ${s.port} dnat ip to numgen random mod ${s.backends.length} map { ${map} }`;
}

/** The whole table for one place, replacing the previous one atomically (`nft -f`). */
export function ruleset(place: RulesetPlace, cluster: readonly string[], services: readonly ServicePort[], rules: readonly ResolvedRule[], policyChains: readonly string[] = []): string {
  const withBackends = services.filter((s) => s.backends.length > 0);
  const without = services.filter((s) => s.backends.length === 0);
  const rejects = without.map((s) => `ip daddr ${s.ip} ${s.proto} dport ${s.port} ${s.proto === 'tcp' ? 'reject with tcp reset' : 'reject'}`);
  const matches = rules.flatMap((r, i) => ruleMatches(r, i, place));
  const lines = [`table ip ${tableName}`, `delete table ip ${tableName}`, `table ip ${tableName} {`];
  lines.push('  set cluster {', '    type ipv4_addr; flags interval; auto-merge;', `    elements = { ${cluster.length ? cluster.join(', ') : '0.0.0.0/32'} }`, '  }');
  rules.forEach((r, i) => lines.push(...verdictChain(i, r.rule)));
  lines.push('  chain judge {', ...[...rejects, ...matches].map((l) => `    ${l}`), '  }');
  if (place.kind === 'node') {
    const dnat = withBackends.map(dnatLine);
    lines.push('  chain kube_pre {', '    type nat hook prerouting priority dstnat; policy accept;', ...dnat.map((l) => `    ${l}`), '  }');
    lines.push('  chain kube_out {', '    type nat hook output priority -100; policy accept;', ...dnat.map((l) => `    ${l}`), '  }');
    lines.push('  chain masq {', '    type nat hook postrouting priority srcnat; policy accept;', '    oifname "eth0" iifname != "eth0" ip daddr != @cluster masquerade', '  }');
    lines.push('  chain judge_forward {', '    type filter hook forward priority filter; policy accept;', '    iifname != "eth0" ct direction original jump judge', '  }');
    lines.push(...policyChains);
  }
  lines.push('  chain judge_output {', '    type filter hook output priority filter; policy accept;', '    ct direction original jump judge', '  }');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
