/**
 * A small cluster to load into the fake-apiserver (mocked cluster): two nodes in two zones, two
 * CoreDNS replicas behind kube-dns, a `web` Deployment with two pods (one Ready), and a Corefile.
 */
import { FakeApiServer, type FakeOptions } from './fake-apiserver.js';

export const corefile = `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
cloud-b.example:53 {
    forward . 192.168.7.2:53
}
`;

function pod(ns: string, name: string, node: string, ip: string, opts: { ready?: boolean; labels?: Record<string, string>; owner?: [string, string]; image?: string; created?: string } = {}) {
  return {
    metadata: {
      namespace: ns,
      name,
      labels: opts.labels ?? {},
      ...(opts.created ? { creationTimestamp: opts.created } : {}),
      ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: opts.owner[0], name: opts.owner[1], uid: 'u', controller: true }] } : {}),
    },
    spec: { nodeName: node, dnsPolicy: 'ClusterFirst', containers: [{ name: 'main', image: opts.image ?? 'debian:12' }], hostAliases: [{ ip: '10.1.1.1', hostnames: ['legacy.internal'] }] },
    status: {
      phase: 'Running',
      podIP: ip,
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
      containerStatuses: [{ name: 'main', restartCount: 0, state: { running: {} } }],
    },
  };
}

/** Start a fake API server loaded with the small cluster. */
export async function startFakeCluster(opts: FakeOptions = {}): Promise<FakeApiServer> {
  const f = new FakeApiServer(opts);
  for (const [name, labels] of [
    ['default', { 'kubernetes.io/metadata.name': 'default' }],
    ['kube-system', { 'kubernetes.io/metadata.name': 'kube-system' }],
    ['shop', { 'kubernetes.io/metadata.name': 'shop', team: 'shop' }],
  ] as const) {
    f.put('namespaces', { metadata: { name, labels } });
  }
  f.put('nodes', { metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'zone-a', 'topology.kubernetes.io/region': 'r1' } }, spec: { podCIDR: '10.244.1.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.1.10' }] } });
  f.put('nodes', { metadata: { name: 'node-b', labels: { 'topology.kubernetes.io/zone': 'zone-b' } }, spec: { podCIDR: '10.244.2.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '192.168.2.10' }] } });
  const dnsLabels = { 'k8s-app': 'kube-dns' };
  f.put('pods', pod('kube-system', 'coredns-5d78c-aaaaa', 'node-a', '10.244.1.2', { labels: dnsLabels, owner: ['ReplicaSet', 'coredns-5d78c'], image: 'coredns/coredns:1.11.1' }));
  f.put('pods', pod('kube-system', 'coredns-5d78c-bbbbb', 'node-b', '10.244.2.2', { labels: dnsLabels, owner: ['ReplicaSet', 'coredns-5d78c'], image: 'coredns/coredns:1.11.1' }));
  f.put('replicasets', { metadata: { namespace: 'kube-system', name: 'coredns-5d78c', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'coredns', uid: 'u', controller: true }] } });
  f.put('deployments', { metadata: { namespace: 'kube-system', name: 'coredns' }, spec: { replicas: 2, selector: { matchLabels: dnsLabels }, template: { metadata: { labels: dnsLabels }, spec: { containers: [{ name: 'coredns', image: 'coredns/coredns:1.11.1' }] } } }, status: { readyReplicas: 2 } });
  f.put('services', { metadata: { namespace: 'kube-system', name: 'kube-dns' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: dnsLabels, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] } });
  f.put('services', { metadata: { namespace: 'shop', name: 'api' }, spec: { type: 'ClusterIP', clusterIP: '10.96.5.5', ports: [{ port: 80, protocol: 'TCP' }] } });
  f.put('endpointslices', {
    metadata: { namespace: 'kube-system', name: 'kube-dns-x1', labels: { 'kubernetes.io/service-name': 'kube-dns' } },
    addressType: 'IPv4',
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    endpoints: [
      { addresses: ['10.244.1.2'], conditions: { ready: true }, nodeName: 'node-a', zone: 'zone-a', targetRef: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-5d78c-aaaaa' } },
      { addresses: ['10.244.2.2'], conditions: { ready: true }, nodeName: 'node-b', zone: 'zone-b', targetRef: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-5d78c-bbbbb' } },
    ],
  });
  f.put('endpoints', { metadata: { namespace: 'kube-system', name: 'kube-dns' }, subsets: [{ addresses: [{ ip: '10.244.1.2', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'coredns-5d78c-aaaaa' } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
  f.put('configmaps', { metadata: { namespace: 'kube-system', name: 'coredns' }, data: { Corefile: corefile } });
  f.put('networkpolicies', { metadata: { namespace: 'shop', name: 'deny-egress' }, spec: { podSelector: {}, policyTypes: ['Egress'] } });
  const webLabels = { app: 'web' };
  f.put('deployments', { metadata: { namespace: 'shop', name: 'web' }, spec: { replicas: 2, selector: { matchLabels: webLabels }, template: { metadata: { labels: webLabels }, spec: { containers: [{ name: 'main', image: 'debian:12' }], hostAliases: [{ ip: '10.1.1.1', hostnames: ['legacy.internal'] }] } } }, status: { readyReplicas: 1 } });
  f.put('replicasets', { metadata: { namespace: 'shop', name: 'web-6f7d9', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u', controller: true }] } });
  f.put('pods', pod('shop', 'web-6f7d9-k2x8p', 'node-a', '10.244.1.7', { labels: webLabels, owner: ['ReplicaSet', 'web-6f7d9'], ready: false, created: '2026-11-22T01:00:00Z' }));
  f.put('pods', pod('shop', 'web-6f7d9-zz9q1', 'node-b', '10.244.2.7', { labels: webLabels, owner: ['ReplicaSet', 'web-6f7d9'], created: '2026-11-22T00:00:00Z' }));
  f.put('pods', pod('shop', 'worker-0', 'node-b', '10.244.2.9', { labels: { app: 'worker' }, image: 'alpine:3.20' }));
  return f.start();
}
