/** How a lab starts its DNS side (dns/dns-world.ts's startDnsWorld has this shape; the netns backend has its own). */
import type { ClusterState } from '../core/model/k8s.js';
import type { AddressMap } from './net/address-map.js';
import type { LabDnsPort } from './pods/lab-dns-port.js';
import type { Scenario } from './scenario/load-scenario.js';

export type DnsStarter = (
  scenario: Scenario,
  map: AddressMap,
  cluster: () => ClusterState,
  opts: { seed: number; podFiles: (ns: string, name: string) => { resolvConf: string; hosts: string } | undefined } & Record<string, unknown>,
) => Promise<LabDnsPort>;
