/** The upstream answers CoreDNS acts on for the diagnosed name. */
import { explainName } from './corefile-engine.js';
import type { Facts, QueryView } from './facts.js';

/** Upstream answers CoreDNS would act on: seen from CoreDNS nodes, restricted to the forward targets. */
export function corednsUpstreams(f: Facts): { views: QueryView[]; forwardTo?: string[]; policy?: string; cacheNote?: string; forwarded: boolean } {
  const ex = explainName(f, f.queryName, f.pod.ip);
  if (ex && ex.plugin !== 'forward') return { views: [], forwarded: false };
  const forwardTo = ex?.forwardTo?.map((u) => u.ip);
  const nodes = new Set(f.corednsNodes);
  const views = f.upstreamViews().filter((u) => (u.evidence.resolver.seenFromNodes ?? (u.node ? [u.node] : [])).some((n) => nodes.has(n)) && (!forwardTo || forwardTo.includes(u.resolver)));
  return { views, ...(forwardTo ? { forwardTo } : {}), ...(ex?.policy ? { policy: ex.policy } : {}), ...(ex ? { cacheNote: ex.cache.note } : {}), forwarded: true };
}

