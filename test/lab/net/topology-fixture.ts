/** A small two-zone topology shared by the network tests (names from seed 000). */
import { Topology } from '../../../src/lab/net/topology.js';

export function twoZoneTopology(): Topology {
  return new Topology({
    nodes: [
      { name: 'dev-master', ip: '192.168.1.130', podCIDR: '10.245.0.0/24', zone: 'cloud-a' },
      { name: 'gpu-zone1', ip: '10.119.96.10', podCIDR: '10.245.4.0/24', zone: 'cloud-b-1' },
      { name: 'gpu-zone2', ip: '10.119.96.11', podCIDR: '10.245.5.0/24', zone: 'cloud-b-2' },
    ],
    pods: [
      { namespace: 'kube-system', name: 'coredns-a', ip: '10.245.0.7', node: 'dev-master' },
      { namespace: 'mos', name: 'mos-model', ip: '10.245.4.17', node: 'gpu-zone1' },
      { namespace: 'svc-b', name: 'service-b', ip: '10.245.5.9', node: 'gpu-zone2' },
    ],
    services: [{ namespace: 'default', name: 'nginx', clusterIP: '10.96.3.4' }],
    dnsService: { namespace: 'kube-system', name: 'kube-dns', ip: '10.96.0.10' },
  });
}
