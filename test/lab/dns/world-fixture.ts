/** Test helper: a DnsWorld for a fixture scenario on its own address range, stopped by the caller. */
import { AddressMap } from '../../../src/lab/net/address-map.js';
import { startDnsWorld, type DnsWorldOptions, type LabDnsWorld } from '../../../src/lab/dns/dns-world.js';
import { fakeClusterState, fixtureScenario } from './cluster-state-fake.js';

let octet = 100;

export async function startFixtureWorld(file: string, opts: Partial<DnsWorldOptions> = {}): Promise<{ world: LabDnsWorld; map: AddressMap }> {
  const scenario = fixtureScenario(file);
  const map = new AddressMap(octet++);
  const state = fakeClusterState(scenario);
  const world = await startDnsWorld(scenario, map, () => state, {
    seed: scenario.seed,
    podFiles: () => undefined,
    forwardReadTimeoutMs: 1500,
    ...opts,
  });
  return { world, map };
}
