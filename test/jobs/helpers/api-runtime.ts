/**
 * A ClusterRuntime whose changes go through the real remediation layer to a Kubernetes API (here
 * the lab's API server in another process, by kubeconfig) and whose diagnosis is a fake healthy
 * report (mocked: a verification re-run would send DNS packets to the cluster's own addresses,
 * which a test may not do from outside the lab process).
 */
import type { ClusterRuntime } from '../../../jobs/cluster-runtime.js';
import { openClusterRuntime } from '../../../jobs/open-cluster-runtime.js';
import { FakeRuntime, fixedCorefile } from './fake-runtime.js';

export async function apiRuntime(kubeconfig: string): Promise<ClusterRuntime> {
  const real = await openClusterRuntime({ name: 'lab', kubeconfig, reloadTimeoutMs: 5000, pollMs: 200 });
  const healthy = new FakeRuntime({ name: 'lab', pods: ['mos/mos-model-6c9f7b5d8-x2k4p'] });
  healthy.corefile = fixedCorefile;
  return { ...real, name: 'lab', diagnose: (target, onProgress) => healthy.diagnose(target, onProgress) };
}
