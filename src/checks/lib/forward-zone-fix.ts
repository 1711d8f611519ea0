/**
 * The forward-zone Corefile fix: a server block for one zone that forwards only to the given
 * upstreams (addForwardZoneBlock in src/core/corefile/edit), proven with simulateEdit: the name is then forwarded only
 * to resolvers the evidence shows answering it, and a cluster name and an unrelated external name are
 * answered as before.
 */
import { addForwardZoneBlock } from '../../core/corefile/edit/index.js';
import type { EvalQuery } from '../../core/corefile/evaluate/index.js';
import type { CorefilePatchFix } from '../../core/model/index.js';
import { corefileProblem, evalWorld } from './corefile-engine.js';
import { baseControls, forwardTargetsAfter, proveCorefileFix } from './corefile-fix.js';
import type { Facts } from './facts.js';
import { fqdn, listText } from './names.js';

/** Upstreams the evidence shows answering the name (with addresses), by resolver IP. */
export function answeringUpstreams(f: Facts): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of f.upstreamViews()) if (u.outcome === 'answer' && u.addresses.length > 0) out.set(u.resolver, u.addresses);
  return out;
}

/** A proven server block for `zone` forwarding only to `upstreams`, or why there is none. */
export function forwardZoneFix(f: Facts, zone: string, upstreams: string[], title: string, corednsNode?: string): { fix?: CorefilePatchFix; why?: string } {
  const ev = f.corefile;
  const problem = corefileProblem(f);
  if (!ev || problem) return { why: problem ?? 'no Corefile in the evidence' };
  // Simulated as the replica on `corednsNode` sees it (its node's resolv.conf), e.g. one that gets the bad answer.
  const world = evalWorld(f, corednsNode);
  const failing: EvalQuery = { name: fqdn(f.queryName), type: 'A', client: f.pod.ip };
  const controls = baseControls(f, zone);
  const edit = addForwardZoneBlock(ev.text, { zone, upstreams }, { controls, world });
  const known = answeringUpstreams(f);
  return proveCorefileFix(f, edit, {
    title,
    blastRadius: `Every name under ${zone}, from every client, is forwarded only to ${listText(upstreams)} by a new server block (its own cache and errors); all other names keep the current block.`,
    risk: upstreams.length > 1 ? 'low' : 'medium',
    failing,
    controls,
    world,
    proof: (after) => {
      const to = forwardTargetsAfter(after, (ips) => ips.every((ip) => known.has(ip)));
      if (!to) return undefined;
      return `After the edit CoreDNS forwards ${f.queryName} only to ${listText(to)}, which answered ${listText([...new Set(to.flatMap((ip) => known.get(ip)!))])} when asked directly.`;
    },
  });
}
