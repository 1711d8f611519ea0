/** Test helper: a DnsWorld for a fixture scenario on its own address range, stopped by the caller. */
import { AddressMap } from '../../../src/lab/net/address-map.js';
import { startDnsWorld, type DnsWorldOptions, type LabDnsWorld } from '../../../src/lab/dns/dns-world.js';
import type { ClusterState } from '../../../src/core/model/k8s.js';
import { fakeClusterState, fixtureScenario } from './cluster-state-fake.js';

let octet = 100;

/**
 * `setState` replaces the cluster the world reads (a new object, as the lab's store hands out a new
 * view after each write), e.g. the DNS Service's endpoints after a rollout.
 */
export async function startFixtureWorld(
  file: string,
  opts: Partial<DnsWorldOptions> = {},
): Promise<{ world: LabDnsWorld; map: AddressMap; setState: (next: (s: ClusterState) => ClusterState) => void }> {
  const scenario = fixtureScenario(file);
  const map = new AddressMap(octet++);
  let state = fakeClusterState(scenario);
  const world = await startDnsWorld(scenario, map, () => state, {
    seed: scenario.seed,
    podFiles: () => undefined,
    forwardReadTimeoutMs: 1500,
    ...opts,
  });
  return { world, map, setState: (next) => void (state = next(state)) };
}
