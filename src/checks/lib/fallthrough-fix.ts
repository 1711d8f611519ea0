/**
 * The fallthrough Corefile fix: `fallthrough ZONE` on an authoritative plugin (addFallthrough in src/core/corefile/edit),
 * so names of that zone the plugin does not know go on to forward. Proven with simulateEdit: the name is
 * then forwarded to resolvers that answer it, and cluster names keep their answers.
 */
import { addFallthrough } from '../../core/corefile/edit/index.js';
import type { EvalQuery } from '../../core/corefile/evaluate/index.js';
import type { CorefilePatchFix } from '../../core/model/index.js';
import { corefileProblem, evalWorld } from './corefile-engine.js';
import { baseControls, forwardTargetsAfter, proveCorefileFix } from './corefile-fix.js';
import type { Facts } from './facts.js';
import { answeringUpstreams } from './forward-zone-fix.js';
import { fqdn, listText } from './names.js';

/** A proven `fallthrough ZONE` patch on `plugin` in block `block`, or why there is none. */
export function fallthroughFix(f: Facts, block: number, plugin: string, zone: string, name: string): { fix?: CorefilePatchFix; why?: string } {
  const ev = f.corefile;
  const problem = corefileProblem(f);
  if (!ev || problem) return { why: problem ?? 'no Corefile in the evidence' };
  const world = evalWorld(f);
  const failing: EvalQuery = { name: fqdn(name), type: 'A', client: f.pod.ip };
  const controls = baseControls(f);
  const edit = addFallthrough(ev.text, { block, plugin, zones: [zone] }, { controls, world });
  const known = answeringUpstreams(f);
  return proveCorefileFix(f, edit, {
    title: `Let ${plugin} pass unknown names in ${zone} on to forward (fallthrough ${zone})`,
    blastRadius: `Every name under ${zone} that ${plugin} does not know (including typos of Service names) is forwarded upstream instead of answered NXDOMAIN, from every client; names ${plugin} knows are unchanged.`,
    risk: 'medium',
    failing,
    controls,
    world,
    proof: (after) => {
      const to = forwardTargetsAfter(after, (ips) => ips.some((ip) => known.has(ip)));
      if (!to) return undefined;
      return `After the edit ${name} is forwarded to ${listText(to)}; ${listText(to.filter((ip) => known.has(ip)))} answered ${listText([...new Set(to.flatMap((ip) => known.get(ip) ?? []))])} when asked directly.`;
    },
  });
}
