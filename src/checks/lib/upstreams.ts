/** The upstream answers CoreDNS acts on for the diagnosed name. */
import { explainName } from './corefile-engine.js';
import type { Facts, QueryView } from './facts.js';

/**
 * Upstream answers CoreDNS would act on: seen from CoreDNS nodes, each restricted to the forward
 * targets of the replica on that node (with `forward . /etc/resolv.conf` every node has its own list).
 */
export function corednsUpstreams(f: Facts): { views: QueryView[]; forwardTo?: string[]; policy?: string; cacheNote?: string; forwarded: boolean } {
  const ex = explainName(f, f.queryName, f.pod.ip);
  if (ex && ex.plugin !== 'forward') return { views: [], forwarded: false };
  const nodes = f.corednsNodes;
  const targets = new Map<string, string[] | undefined>();
  for (const n of nodes) targets.set(n, ex ? (explainName(f, f.queryName, f.pod.ip, 'A', n)?.forwardTo ?? ex.forwardTo ?? []).map((u) => u.ip) : undefined);
  const seen = (u: QueryView) => u.evidence.resolver.seenFromNodes ?? (u.node ? [u.node] : []);
  const views = f.upstreamViews().filter((u) => seen(u).some((n) => targets.has(n) && (targets.get(n) === undefined || targets.get(n)!.includes(u.resolver))));
  const all = ex ? [...new Set([...targets.values()].flatMap((t) => t ?? []))] : undefined;
  return { views, ...(all && all.length > 0 ? { forwardTo: all } : {}), ...(ex?.policy ? { policy: ex.policy } : {}), ...(ex ? { cacheNote: ex.cache.note } : {}), forwarded: true };
}
