/**
 * `kubectl rollout restart` of the CoreDNS Deployment (for a Corefile without `reload`), then a
 * bounded wait until every replica is one that did not exist before the restart, and is Ready.
 */
import type { ClusterAccess } from '../core/cluster-access.js';
import { defaultCorednsLocation, type CorednsLocation } from '../core/model/coredns-location.js';
import type { StepLog } from './step-log.js';

export interface RestartOptions {
  coredns?: Partial<CorednsLocation>;
  /** Bound of the wait for new Ready replicas (default 90 s). */
  reloadTimeoutMs?: number;
  pollMs?: number;
}

/** The Deployment that owns the CoreDNS pods (ReplicaSet → Deployment), or `coredns` when it cannot be told. */
export async function corednsDeployment(access: ClusterAccess, loc: CorednsLocation): Promise<string> {
  const pods = await access.listPods(loc.namespace, { labelSelector: loc.labelSelector });
  const owner = pods.find((p) => p.directOwner)?.directOwner;
  if (!owner) return 'coredns';
  const top = await access.resolveOwner(loc.namespace, owner);
  return top.kind === 'Deployment' ? top.name : 'coredns';
}

/** Restart CoreDNS and wait (bounded) for fresh Ready replicas. */
export async function restartCoredns(
  access: ClusterAccess,
  opts: RestartOptions,
  log: StepLog,
): Promise<{ namespace: string; name: string; ready: boolean }> {
  const loc = { ...defaultCorednsLocation, ...opts.coredns };
  const name = await corednsDeployment(access, loc);
  const startedAt = new Date().toISOString();
  // Replicas are new when their names were not there before the restart (timestamps have 1 s resolution).
  const oldPods = new Set((await access.listPods(loc.namespace, { labelSelector: loc.labelSelector })).map((p) => p.name));
  await access.restartDeployment(loc.namespace, name);
  log.add('restart', true, `Deployment ${loc.namespace}/${name} restarted (kubectl.kubernetes.io/restartedAt=${startedAt})`);
  const deadline = Date.now() + (opts.reloadTimeoutMs ?? 90_000);
  const pollMs = opts.pollMs ?? 2000;
  for (;;) {
    const pods = (await access.listPods(loc.namespace, { labelSelector: loc.labelSelector })).filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed');
    const fresh = pods.filter((p) => !oldPods.has(p.name));
    if (pods.length > 0 && fresh.length === pods.length && pods.every((p) => p.ready)) {
      log.add('rollout', true, `new CoreDNS replicas Ready: ${pods.map((p) => p.name).join(', ')}`);
      return { namespace: loc.namespace, name, ready: true };
    }
    if (Date.now() + pollMs > deadline) {
      log.add('rollout', false, `CoreDNS rollout not finished in time (${fresh.length}/${pods.length} replicas new); check \`kubectl -n ${loc.namespace} rollout status deploy/${name}\``);
      return { namespace: loc.namespace, name, ready: false };
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
