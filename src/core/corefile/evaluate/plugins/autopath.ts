/**
 * autopath (coredns plugin/autopath, kubernetes AutoPath): for a client pod that already applied its
 * first search suffix (`<ns>.svc.<zone>`), CoreDNS walks the rest of the search path itself and answers
 * the first non-NXDOMAIN result with a CNAME from the asked name. With `@kubernetes` this only happens
 * with `pods verified` and when the client IP is a known pod.
 */
import type { DirectiveNode } from '../../model.js';
import type { DnsRecord } from '../../../model/dns.js';
import { isSubdomain, labelsBelow, matchZone } from '../names.js';
import type { Outcome, PluginInstance, Req, Res } from '../types.js';
import { normalizeZones, originsOrBlock, type BlockContext } from './common.js';

/** The search path autopath would walk for `req`, or null when it does not act. */
type SearchFn = (req: Req) => string[] | null;

function kubernetesSearch(ctx: BlockContext, extra: string[]): SearchFn | string {
  const k = ctx.block.directives.find((d) => d.name === 'kubernetes');
  if (!k) return 'autopath @kubernetes without a kubernetes plugin in the block: CoreDNS refuses to start';
  const zones = k.args.length ? normalizeZones(k.args.map((t) => t.text)) : [...ctx.zones];
  const verified = (k.block ?? []).some((l) => l.name === 'pods' && l.args[0]?.text === 'verified');
  return (req) => {
    const zone = matchZone(zones, req.name);
    if (zone === '' || !verified) return null;
    const pod = ctx.world.cluster?.pods.find((p) => p.ip === req.client);
    if (!pod) return null;
    const z = zone === '.' ? '' : zone;
    return [`${pod.namespace}.svc.${z}`, `svc.${z}`, z || '.', ...extra, ''];
  };
}

/** Builds autopath (last one wins). */
export function autopathPlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  const d = directives[directives.length - 1]!;
  const args = d.args.map((t) => t.text);
  const source = args[args.length - 1] ?? '';
  const zones = originsOrBlock(args.slice(0, -1), ctx);
  const extra = (ctx.world.nodeSearch ?? []).map((s) => (s.endsWith('.') ? s : `${s}.`).toLowerCase());
  let search: SearchFn | string;
  if (source === '@kubernetes') search = kubernetesSearch(ctx, extra);
  else if (source.startsWith('@')) search = `autopath ${source}: plugin does not implement AutoPather`;
  else {
    const text = ctx.world.files?.read(source);
    const list = typeof text === 'string' ? (text.split(/\r?\n/).find((l) => /^\s*search\s/.test(l)) ?? '').trim().split(/\s+/).slice(1) : [];
    search = () => (list.length ? [...list.map((s) => (s.endsWith('.') ? s : `${s}.`).toLowerCase()), ''] : null);
  }
  const label = `autopath ${args.join(' ')} (line ${d.pos.line})`;
  const serve = (req: Req): Outcome => {
    if (typeof search === 'string') return { kind: 'next', note: `${label}: ${search}.` };
    if (matchZone(zones, req.name) === '') return { kind: 'next' };
    const path = search(req);
    if (!path || path.length === 0) {
      return { kind: 'next', note: `${label}: does not act (needs pods verified and a client IP that is a known pod).` };
    }
    const first = path[0]!;
    if (!(req.name === first || isSubdomain(req.name, first))) return { kind: 'next', note: `${label}: ${req.name} is not under the client's first search domain ${first}; no search.` };
    const base = labelsBelow(req.name, first).join('.');
    if (base === '') return { kind: 'next' };
    const candidates = path.map((s) => (s === '' ? `${base}.` : `${base}.${s === '.' ? '' : s}`));
    return { kind: 'search', candidates, note: `${label}: tries ${candidates.join(', ')} in turn; the first reply that is not NXDOMAIN is returned with a CNAME from ${req.name}.` };
  };
  return [{ name: 'autopath', line: d.pos.line, serve }];
}

/** autopath's reply for a found candidate: CNAME original → the answer's owner name prepended, question restored. */
export function withAutopathCname(res: Res, original: string): Res {
  const first = res.answers.find((a) => a.name !== original);
  if (!first) return res;
  const cname: DnsRecord = { name: original, type: 'CNAME', ttl: first.ttl, data: first.name };
  return { ...res, answers: [cname, ...res.answers] };
}
