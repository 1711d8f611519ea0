/**
 * The per-zone Corefile fix: a `view` server block that takes queries from the pod CIDRs of every
 * node in the pod's zone and answers the name from a `hosts` block (with fallthrough) with the
 * addresses the zone's own resolver gives; every other client keeps the existing block. Built with
 * addViewBlock and proven with simulateEdit before anyone sees it.
 */
import ipaddr from 'ipaddr.js';
import { addViewBlock } from '../../core/corefile/edit/index.js';
import type { EvalQuery } from '../../core/corefile/evaluate/index.js';
import type { CorefilePatchFix } from '../../core/model/index.js';
import { corefileProblem, evalWorld, explainName } from './corefile-engine.js';
import { baseControls, proveCorefileFix } from './corefile-fix.js';
import type { Facts } from './facts.js';
import { fqdn, listText } from './names.js';

/** The pod CIDRs of all nodes in the pod's zone (the pod's node alone when zones are unknown). */
export function zoneCidrs(f: Facts): { cidrs: string[]; nodes: string[] } {
  const zone = f.podZone;
  const nodes = zone ? f.nodes.filter((n) => n.zone === zone) : f.nodes.filter((n) => n.name === f.pod.node);
  const withCidr = nodes.filter((n) => n.podCIDR && ipaddr.isValidCIDR(n.podCIDR));
  return { cidrs: withCidr.map((n) => n.podCIDR!), nodes: withCidr.map((n) => n.name) };
}

/** An address inside a CIDR (the tenth host), to ask "what would a pod there get?". */
export function hostIn(cidr: string): string | undefined {
  try {
    const [net, bits] = ipaddr.parseCIDR(cidr);
    if (net.kind() !== 'ipv4') return undefined;
    const base = (net as ipaddr.IPv4).toByteArray().reduce((a, b) => a * 256 + b, 0);
    const size = 2 ** (32 - bits);
    const n = base - (base % size) + Math.min(10, Math.max(1, size - 2));
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
  } catch {
    return undefined;
  }
}

/** One client per other zone (a CoreDNS pod there, else an address in a node's pod CIDR). */
function otherZoneClients(f: Facts, cidrs: string[]): { zone: string; ip: string }[] {
  const zone = f.podZone;
  const out = new Map<string, string>();
  for (const n of f.nodes) {
    const z = n.zone ?? n.name;
    if ((zone && n.zone === zone) || n.name === f.pod.node || out.has(z)) continue;
    const cd = f.corednsPods.find((p) => p.node === n.name)?.ip;
    const ip = cd ?? (n.podCIDR ? hostIn(n.podCIDR) : undefined);
    if (ip && !cidrs.some((c) => { try { return ipaddr.parse(ip).match(ipaddr.parseCIDR(c)); } catch { return false; } })) out.set(z, ip);
  }
  return [...out].map(([z, ip]) => ({ zone: z, ip }));
}

/**
 * A corefile-patch answering `f.name` with `addrs` for clients in the pod's zone, or undefined with
 * the reason when it cannot be built or proven.
 */
export function zoneViewFix(f: Facts, addrs: string[]): { fix?: CorefilePatchFix; why?: string } {
  const ev = f.corefile;
  const problem = corefileProblem(f);
  if (!ev || problem) return { why: problem ?? 'no Corefile in the evidence' };
  const { cidrs, nodes } = zoneCidrs(f);
  if (cidrs.length === 0) return { why: `the pod CIDRs of ${f.podZone ?? f.pod.node}'s nodes are unknown` };
  const ex = explainName(f, f.queryName, f.pod.ip);
  if (!ex || !ex.serverBlock) return { why: 'the Corefile does not say which block answers the name' };
  if (ex.view) return { why: `the name is already answered from view ${ex.view}; edit that view's hosts entries instead` };
  const zone = f.podZone ?? f.pod.node;
  const viewName = `zone-${zone}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  const world = evalWorld(f);
  const failing: EvalQuery = { name: fqdn(f.queryName), type: 'A', client: f.pod.ip };
  const others = otherZoneClients(f, cidrs);
  const controls: EvalQuery[] = [...baseControls(f), ...others.map((o) => ({ name: fqdn(f.queryName), type: 'A', client: o.ip }))];
  const edit = addViewBlock(ev.text, { name: viewName, cidrs, copyFrom: ex.serverBlock.index, withHosts: addrs.map((ip) => ({ ip, names: [f.queryName] })) }, { controls, world });
  return proveCorefileFix(f, edit, {
    title: `Answer ${f.queryName} with ${listText(addrs)} for pods in ${zone} (view ${viewName})`,
    blastRadius: `Queries from pods on ${listText(nodes)} (${listText(cidrs)}) are answered by the new view block, a copy of server block ${ex.serverBlock.keys.join(' ')} plus hosts entries for ${f.queryName}; every other client keeps the current block unchanged.`,
    risk: 'medium',
    scope: 'zone',
    // The view answers with hosts entries: today's addresses, pinned.
    durability: 'stop-gap',
    failing,
    controls,
    world,
    proof: (after) => {
      const got = after.answers.filter((a) => a.type === 'A').map((a) => a.data);
      if (got.length === 0 || !got.every((ip) => addrs.includes(ip))) return undefined;
      const reach = got.map((ip) => `${ip} (${f.reach(ip).detail})`);
      return `From ${f.pod.ip} the patched Corefile answers ${f.queryName} with ${listText(got)} from ${after.plugin ?? 'the view'}${after.view ? ` in view ${after.view}` : ''}; from ${f.describeNode(f.pod.node)} ${got.length > 1 ? 'these accept' : 'this accepts'} TCP: ${reach.join(', ')}. ${others.length > 0 ? `Clients in ${listText(others.map((o) => o.zone))} keep their current answer.` : ''}`.trim();
    },
  });
}
