/**
 * The forward-zone Corefile fix: a server block for one zone that forwards only to the given
 * upstreams (addForwardZoneBlock in src/core/corefile/edit), proven with simulateEdit: the name is then forwarded only
 * to resolvers the evidence shows answering it, and a cluster name and an unrelated external name are
 * answered as before.
 */
import { createTwoFilesPatch } from 'diff';
import { customConfigDir, fileSourceOf } from '../../core/corefile/configmap-files.js';
import { addForwardZoneBlock, type EditResult } from '../../core/corefile/edit/index.js';
import { checkUpstreams } from '../../core/corefile/edit/add-forward-zone.js';
import type { EvalQuery, EvalWorld } from '../../core/corefile/evaluate/index.js';
import { parseCorefile } from '../../core/corefile/parse.js';
import type { CorefilePatchFix } from '../../core/model/index.js';
import { corefileProblem, evalWorld } from './corefile-engine.js';
import { baseControls, forwardTargetsAfter, proveCorefileFix, type CorefileFixParts } from './corefile-fix.js';
import type { Facts } from './facts.js';
import { fqdn, listText } from './names.js';

/** Upstreams the evidence shows answering the name (with addresses), by resolver IP. */
export function answeringUpstreams(f: Facts): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of f.upstreamViews()) if (u.outcome === 'answer' && u.addresses.length > 0) out.set(u.resolver, u.addresses);
  return out;
}

/**
 * Where a provider wants the block: a new `ZONE.server` key of its coredns-custom ConfigMap, when the
 * Corefile imports that directory's `*.server` files (AKS and k3s overwrite the managed Corefile).
 * Undefined when there is no such ConfigMap or the Corefile would not load the key.
 */
function customServerPlacement(f: Facts, zone: string, upstreams: string[], world: EvalWorld): { edit: EditResult; placement: NonNullable<CorefileFixParts['placement']> } | undefined {
  const ev = f.corefile;
  if (!ev?.custom || checkUpstreams(upstreams)) return undefined;
  const bare = fqdn(zone).slice(0, -1);
  const key = `${bare}.server`;
  const path = `${customConfigDir}/${key}`;
  // An existing key of that name is the operator's: leave it to them rather than overwrite it.
  if (ev.files[path] !== undefined) return undefined;
  const block = `${bare}:53 {\n    errors\n    cache 30\n    forward . ${upstreams.join(' ')}\n}\n`;
  const files = { ...ev.files, [path]: block };
  const parseOptions = { files: fileSourceOf(files) };
  const parsed = parseCorefile(ev.text, parseOptions);
  if (!parsed.ok || !parsed.model.blocks.some((b) => b.addresses.some((a) => a.zone === fqdn(zone) && a.port === 53))) return undefined;
  const description = `add ${key} to ConfigMap ${ev.custom.namespace}/${ev.custom.name}: forward ${fqdn(zone)} to ${upstreams.join(', ')} in its own server block, loaded by the Corefile's import`;
  const diff = createTwoFilesPatch(key, key, '', block, 'current', 'proposed');
  return {
    edit: { ok: true, text: ev.text, diff, model: parsed.model, diagnostics: parsed.diagnostics, effects: [], description },
    placement: {
      target: { namespace: ev.custom.namespace, name: ev.custom.name, key, ...(ev.custom.resourceVersion ? { resourceVersion: ev.custom.resourceVersion } : {}) },
      before: '',
      after: block,
      diff,
      world: { ...world, files: fileSourceOf(files) },
      parseOptions,
    },
  };
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
  const custom = customServerPlacement(f, zone, upstreams, world);
  const edit = custom?.edit ?? addForwardZoneBlock(ev.text, { zone, upstreams }, { controls, world });
  const known = answeringUpstreams(f);
  return proveCorefileFix(f, edit, {
    ...(custom ? { placement: custom.placement } : {}),
    title: custom ? `${title} (in ${custom.placement.target.name})` : title,
    blastRadius: `Every name under ${zone}, from every client, is forwarded only to ${listText(upstreams)} by a new server block (its own cache and errors)${custom ? `, written as key ${custom.placement.target.key} of ${custom.placement.target.name}, which the provider leaves alone when it rewrites the managed Corefile` : ''}; all other names keep the current block.`,
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
