/**
 * The worker's own view, used when probe pods could not run (RBAC, quota, image pull): dnswhy's
 * DNS client asks the DNS Service, every CoreDNS endpoint and the Corefile's upstreams directly
 * from where the worker runs (in-cluster agents sit on the pod network). Evidence is marked
 * `from: worker`, so checks know it is not the target pod's position.
 */
import type { Evidence, ResolverRole } from '../../core/model/index.js';
import type { NetworkPosition } from '../../core/network-position.js';
import { queryDns, toDnsQueryEvidence } from '../dns/dns-client.js';
import { probeError, startTiming } from './run-step.js';

export interface WorkerTarget {
  ip: string;
  port: number;
  role: ResolverRole;
  label?: string;
}

/** One A query per target, in parallel, each with the short per-try timeout. */
export async function workerQueries(network: NetworkPosition, name: string, targets: WorkerTarget[], timeoutMs = 1500): Promise<Evidence[]> {
  const qname = name.endsWith('.') ? name : `${name}.`;
  return Promise.all(
    targets.map(async (t): Promise<Evidence> => {
      const timing = startTiming();
      try {
        const r = await queryDns({ ip: t.ip, port: t.port }, qname, 'A', { network, timeoutMs, tries: 2 });
        return toDnsQueryEvidence(r, { id: '', from: { kind: 'worker' }, at: timing.at, role: t.role, ...(t.label ? { label: t.label } : {}) });
      } catch (err) {
        return probeError(`query ${t.ip}:${t.port} from the worker`, `what ${t.ip} answers for ${name}, asked from the worker`, err, timing);
      }
    }),
  );
}
