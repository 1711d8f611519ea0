/**
 * One lab network per test, torn down after it with whatever the test started on it (replicas,
 * resolvers): register with `net.onStop`, start with `net.start`. Installs its own afterEach.
 */
import { afterEach } from 'vitest';
import type { AddressMap } from '../../../src/lab/net/address-map.js';
import { LabNetwork } from '../../../src/lab/net/lab-network.js';
import type { NetworkRules } from '../../../src/lab/net/network-rules.js';
import type { Topology } from '../../../src/lab/net/topology.js';

export function labNetworkPerTest(): { start(map: AddressMap, topo: Topology, rules: NetworkRules): Promise<LabNetwork>; onStop(stop: () => Promise<void>): void } {
  let current: LabNetwork | undefined;
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
    await current?.close();
    current = undefined;
  });
  return {
    async start(map, topo, rules) {
      current = await LabNetwork.start(map, topo, rules);
      return current;
    },
    onStop: (stop) => void stops.push(stop),
  };
}
