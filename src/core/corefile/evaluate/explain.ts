/**
 * explain(): which listener, server block, view and plugin answer a query, with what, and what the cache
 * does with it. Runs the same route + chain walk as CorefileServer; forwarding is reported, not executed.
 */
import type { CorefileModel } from '../model.js';
import type { DnsRecord } from '../../model/dns.js';
import { cacheDecision } from './cache-policy.js';
import { applyPosts, chainFor, walk, type Chain, type WalkResult } from './chain.js';
import { withAutopathCname } from './plugins/autopath.js';
import { toReq } from './request.js';
import { route } from './route.js';
import type { CacheVerdict, ChainContext, EvalQuery, EvalWorld, Explanation, Res } from './types.js';

const maxChase = 8;

function fmt(r: DnsRecord): string {
  return `${r.name} ${r.ttl} ${r.type} ${r.data}`;
}

function cacheVerdictFor(chain: Chain, name: string, res: Res | null): CacheVerdict {
  const cfg = chain.cache;
  if (!cfg) return { plugin: false, note: 'this block has no cache plugin: nothing is cached' };
  if (!res) {
    return {
      plugin: true,
      note: `the upstream reply would be cached: positive for its smallest TTL clamped to [${cfg.successMin}, ${cfg.successMax}]s, negative for its SOA TTL clamped to [${cfg.denialMin}, ${cfg.denialMax}]s`,
    };
  }
  const dec = cacheDecision(cfg, name, res);
  return dec.cache ? { plugin: true, ttlSeconds: dec.ttl, note: dec.note } : { plugin: true, note: dec.note };
}

/**
 * autopath in explain(): walk the candidates through the rest of the chain; the first written
 * non-NXDOMAIN answer wins (with a CNAME from the asked name); a forwarded candidate stops the
 * walk, since only the upstream's answer decides whether the search goes on.
 */
function pickCandidate(chain: Chain, w: Extract<WalkResult, { kind: 'search' }>, ctx: ChainContext): Exclude<WalkResult, { kind: 'search' }> & { searched: true } {
  const original = w.req.name;
  let first: Exclude<WalkResult, { kind: 'search' }> | null = null;
  for (const name of w.candidates) {
    const wc = walk(chain, { ...w.req, name }, ctx, w.index + 1, []);
    if (wc.kind === 'search') continue;
    first ??= wc;
    if (wc.kind === 'forward') {
      ctx.notes.push(`autopath: ${name} is forwarded; if the upstream says NXDOMAIN the search goes on with the next candidate.`);
      return { ...wc, posts: [...w.posts, ...wc.posts], searched: true };
    }
    if (wc.kind === 'answer' && wc.res.written && wc.res.rcode !== 'NXDOMAIN') {
      ctx.notes.push(`autopath: ${name} answers ${wc.res.rcode}; returned with a CNAME ${original} → ${name}.`);
      const cname = { hook: (res: Res) => withAutopathCname(res, original), req: w.req };
      return { ...wc, posts: [...w.posts, cname, ...wc.posts], searched: true };
    }
  }
  ctx.notes.push('autopath: every candidate is NXDOMAIN; the first reply is returned and the client walks its search list itself.');
  return { ...first!, posts: [...w.posts, ...first!.posts], searched: true };
}

/** Explains how the Corefile `model` answers `q` in `world`. Never throws for well-formed models. */
export function explain(model: CorefileModel, q: EvalQuery, world: EvalWorld): Explanation {
  return explainAt(model, q, world, 0);
}

function explainAt(model: CorefileModel, q: EvalQuery, world: EvalWorld, depth: number): Explanation {
  const req = toReq(q);
  const listener = { transport: req.transport, port: req.serverPort };
  const steps: string[] = [`Query ${req.name} ${req.type} from ${req.client} arrives on ${req.transport}://:${req.serverPort} (${req.proto}).`];
  const base = {
    query: { name: req.name, type: req.type, client: req.client, port: req.serverPort, proto: req.proto },
    listener, answers: [] as DnsRecord[], authority: [] as DnsRecord[], additional: [] as DnsRecord[],
    forwardTo: null, dropped: false, authoritative: false,
  };
  const r = route(model, req, world);
  steps.push(...r.steps);
  if (!r.block || r.serverRcode) {
    return {
      ...base, serverBlock: r.block ? { keys: r.block.keys.map((k) => k.text), line: r.block.pos.line, index: r.block.index, zone: r.address!.zone } : null,
      view: null, viewsConsidered: r.viewsConsidered, plugins: [], plugin: null, rcode: r.serverRcode ?? 'REFUSED',
      cache: { plugin: false, note: 'no plugin chain runs, nothing is cached' },
      summary: `${req.name} ${req.type}: REFUSED by the server (${r.block ? 'the matching block has no plugins' : 'no server block matches'}).`,
      steps,
    };
  }
  const chain = chainFor(model, r.block, world);
  const serverBlock = { keys: r.block.keys.map((k) => k.text), line: r.block.pos.line, index: r.block.index, zone: r.address!.zone };
  steps.push(`Plugins run in plugin.cfg order: ${chain.names.join(', ')}.`, ...chain.notes);
  const ctx: ChainContext = { world, block: r.block.index, now: 0, notes: [] };
  const w0 = walk(chain, req, ctx);
  const w: Exclude<WalkResult, { kind: 'search' }> & { searched?: boolean } = w0.kind === 'search' ? pickCandidate(chain, w0, ctx) : w0;
  steps.push(...ctx.notes);
  const rewrittenName = w.req.name !== req.name && !w.searched ? w.req.name : undefined;
  const common = { ...base, serverBlock, view: r.view, viewsConsidered: r.viewsConsidered, plugins: chain.names, ...(rewrittenName ? { rewrittenName } : {}) };
  const blockText = `${serverBlock.keys.join(' ')} (line ${serverBlock.line})${r.view ? ` view ${r.view}` : ''}`;
  if (w.kind === 'forward') {
    const forwardTo = w.plan.upstreams.map((u) => ({ ip: u.ip, port: u.port }));
    const cache = cacheVerdictFor(chain, w.req.name, null);
    steps.push(`Cache: ${cache.note}.`);
    const files = w.plan.unknownSources;
    const targets = [...forwardTo.map((u) => `${u.ip}:${u.port}`), ...files.map((f) => `nameservers of ${f}`)];
    return {
      ...common, plugin: 'forward', rcode: targets.length ? 'NOERROR' : 'SERVFAIL', forwardTo, policy: w.plan.policy, cache,
      ...(files.length ? { forwardToFiles: files } : {}),
      summary: targets.length
        ? `${req.name} ${req.type} → block ${blockText}: forwarded to [${targets.join(', ')}] with policy ${w.plan.policy}; the answer is whatever the upstream says.`
        : `${req.name} ${req.type} → block ${blockText}: forward has no usable upstream: SERVFAIL.`,
      steps,
    };
  }
  if (w.kind === 'drop') {
    return {
      ...common, plugin: w.plugin, rcode: 'NOERROR', dropped: true, cache: { plugin: !!chain.names.includes('cache'), note: 'no reply, nothing cached' },
      summary: `${req.name} ${req.type} → block ${blockText}: dropped by ${w.plugin} (no reply; the client times out).`, steps,
    };
  }
  if (w.kind === 'end') {
    steps.push('Every plugin passed the query on and there is no next plugin: SERVFAIL ("no next plugin found").');
    return {
      ...common, plugin: null, rcode: 'SERVFAIL', cache: { plugin: chain.names.includes('cache'), note: 'server-written SERVFAIL is not cached' },
      summary: `${req.name} ${req.type} → block ${blockText}: no plugin answers: SERVFAIL.`, steps,
    };
  }
  let res = w.res;
  let chased: Explanation | undefined;
  if (w.chase) {
    if (depth >= maxChase) {
      steps.push(`CNAME chain to ${w.chase.name} is too long; not followed.`);
    } else {
      chased = explainAt(model, { ...q, name: w.chase.name, type: w.chase.type }, world, depth + 1);
      steps.push(`The CNAME target ${w.chase.name} is looked up through the same listener: ${chased.summary}`);
      res = { ...res, answers: [...res.answers, ...chased.answers] };
    }
  }
  const cache = cacheVerdictFor(chain, w.req.name, res);
  steps.push(`Cache: ${cache.note}.`);
  const final = applyPosts(res, w.posts, ctx);
  const what = final.answers.length
    ? final.answers.map((a) => `${a.type} ${a.data}`).join(', ')
    : final.rcode === 'NOERROR' ? 'NODATA (no records)' : final.rcode;
  return {
    ...common, plugin: w.plugin, rcode: final.rcode, authoritative: final.aa, answers: final.answers, authority: final.authority,
    additional: final.additional, cache, ...(chased ? { chased } : {}),
    summary: `${req.name} ${req.type} → block ${blockText}: ${w.plugin} answers ${final.rcode}${final.answers.length ? ` with [${what}]` : final.rcode === 'NOERROR' ? ' (NODATA)' : ''}${final.authority.length ? ` (authority ${final.authority.map(fmt).join('; ')})` : ''}.`,
    steps,
  };
}
