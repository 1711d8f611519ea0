/**
 * FAKE of the lab's cluster state (src/lab/state), for the DNS-world tests only: Services from the scenario plus the
 * DNS Service, Endpoints from selectors over the scenario pods, CoreDNS pods as kube-dns endpoints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterState } from '../../../src/core/model/k8s.js';
import { parseScenario, type Scenario } from '../../../src/lab/scenario/load-scenario.js';

export function fixtureScenario(file: string): Scenario {
  const path = join(import.meta.dirname, 'fixtures', file);
  return parseScenario(readFileSync(path, 'utf8'), path);
}

export function fakeClusterState(s: Scenario): ClusterState {
  const dns = s.cluster.dnsService;
  const services: ClusterState['services'] = s.services.map((svc) => ({
    namespace: svc.namespace,
    name: svc.name,
    type: svc.type ?? (svc.externalName ? 'ExternalName' : 'ClusterIP'),
    clusterIP: svc.clusterIP,
    externalName: svc.externalName,
    ports: svc.ports,
    selector: svc.selector,
  }));
  services.push({ namespace: dns.namespace, name: dns.name, type: 'ClusterIP', clusterIP: dns.ip, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] });
  const endpoints: ClusterState['endpoints'] = s.services
    .filter((svc) => svc.selector)
    .map((svc) => ({
      namespace: svc.namespace,
      service: svc.name,
      ports: svc.ports.map((p) => ({ name: p.name, port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol })),
      addresses: s.pods
        .filter((p) => p.namespace === svc.namespace && Object.entries(svc.selector!).every(([k, v]) => p.labels[k] === v))
        .map((p) => ({ ip: p.ip, ready: p.ready, nodeName: p.node, targetPod: { namespace: p.namespace, name: p.name } })),
    }));
  endpoints.push({
    namespace: dns.namespace,
    service: dns.name,
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    addresses: s.coredns.pods.map((p) => ({ ip: p.ip, ready: p.ready, nodeName: p.node, targetPod: { namespace: s.coredns.namespace, name: p.name } })),
  });
  const namespaces = [...new Set(['default', 'kube-system', ...s.pods.map((p) => p.namespace), ...s.services.map((x) => x.namespace)])];
  return {
    namespaces,
    services,
    endpoints,
    pods: [...s.pods.map((p) => ({ namespace: p.namespace, name: p.name, ip: p.ip })), ...s.coredns.pods.map((p) => ({ namespace: s.coredns.namespace, name: p.name, ip: p.ip }))],
  };
}
