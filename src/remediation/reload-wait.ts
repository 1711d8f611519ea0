/**
 * Whether CoreDNS loaded a new Corefile: the reload plugin exposes the loaded config's hash as
 * `coredns_reload_version_info{hash="…"}`; a replica has loaded the new file once its hash is
 * no longer one of the hashes seen before the write. Read through pods/proxy on :9153.
 */
import type { ClusterAccess } from '../core/cluster-access.js';
import { parseCorednsMetrics } from '../core/metrics/prometheus-metrics.js';
import type { CorednsLocation } from '../core/model/coredns-location.js';

export interface ReplicaHash {
  pod: string;
  hash?: string;
  error?: string;
}

/** The reload hash every Running CoreDNS replica reports now. */
export async function corednsHashes(access: ClusterAccess, loc: CorednsLocation): Promise<ReplicaHash[]> {
  const pods = (await access.listPods(loc.namespace, { labelSelector: loc.labelSelector })).filter((p) => p.phase === 'Running');
  return Promise.all(
    pods.map(async (p): Promise<ReplicaHash> => {
      try {
        const text = await access.podProxyGet(p.namespace, p.name, loc.metricsPort, 'metrics');
        const hash = parseCorednsMetrics(text).reloadHash;
        return { pod: p.name, ...(hash ? { hash } : {}) };
      } catch (err) {
        return { pod: p.name, error: (err as Error).message };
      }
    }),
  );
}

export interface ReloadOutcome {
  reloaded: { pod: string; hash: string }[];
  /** Replicas still on an old hash (or not reporting one) when the wait ended. */
  pending: string[];
  errors: string[];
}

/** Poll until every Running replica reports a hash outside `oldHashes`, or the time is up. */
export async function waitForReload(
  access: ClusterAccess,
  loc: CorednsLocation,
  oldHashes: Set<string>,
  opts: { timeoutMs: number; pollMs: number },
): Promise<ReloadOutcome> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const now = await corednsHashes(access, loc);
    const reloaded = now.filter((r): r is { pod: string; hash: string } => !!r.hash && !oldHashes.has(r.hash)).map((r) => ({ pod: r.pod, hash: r.hash }));
    const pending = now.filter((r) => !r.hash || oldHashes.has(r.hash)).map((r) => r.pod);
    const errors = now.filter((r) => r.error).map((r) => `${r.pod}: ${r.error}`);
    if ((pending.length === 0 && now.length > 0) || Date.now() + opts.pollMs > deadline) return { reloaded, pending, errors };
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}
