import { describe, expect, it } from 'vitest';
import { controllerRef, dnsServiceObject, replicaSetObject, serviceObject } from '../../../src/lab/state/kube-objects.js';

const ports = [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }];

describe('lab Kubernetes object builders', () => {
  it('gives a ClusterIP Service single-stack IPv4 defaults and an ExternalName Service none of them', () => {
    const cluster = serviceObject({ namespace: 'shop', name: 'web', labels: {}, type: 'ClusterIP', clusterIP: '10.96.1.5', ports, selector: { app: 'web' } });
    expect(cluster['spec']).toEqual({
      type: 'ClusterIP',
      clusterIP: '10.96.1.5',
      clusterIPs: ['10.96.1.5'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports,
      selector: { app: 'web' },
      sessionAffinity: 'None',
    });
    const external = serviceObject({ namespace: 'shop', name: 'legacy', labels: {}, type: 'ExternalName', externalName: 'db.corp.example', ports: [] });
    expect(external['spec']).toEqual({ type: 'ExternalName', externalName: 'db.corp.example', ports: [], sessionAffinity: 'None' });
    expect(external.metadata).not.toHaveProperty('annotations');
  });

  it('builds the cluster DNS Service kubeadm creates: DNS on 53 over UDP and TCP, metrics on 9153, CoreDNS selected', () => {
    const svc = dnsServiceObject({ namespace: 'kube-system', name: 'kube-dns', ip: '10.96.0.10', appLabel: 'kube-dns', selector: { 'k8s-app': 'kube-dns' } });
    const spec = svc['spec'] as { ports: { port: number; protocol: string }[]; selector: unknown; clusterIP: string };
    expect(spec.ports.map((p) => `${p.port}/${p.protocol}`)).toEqual(['53/UDP', '53/TCP', '9153/TCP']);
    expect([spec.clusterIP, spec.selector]).toEqual(['10.96.0.10', { 'k8s-app': 'kube-dns' }]);
    expect(svc.metadata.labels).toMatchObject({ 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' });
  });

  it('marks a ReplicaSet with its revision and desired replicas, owned by its Deployment only when it has one', () => {
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [] } };
    const owned = replicaSetObject({ namespace: 'shop', name: 'web-abc', labels: { app: 'web' }, revision: '3', replicas: 2, owner: controllerRef('Deployment', 'web', 'uid-1'), matchLabels: { app: 'web' }, template });
    expect(owned.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/desired-replicas': '2' });
    expect(owned.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-1', controller: true, blockOwnerDeletion: true }]);
    const alone = replicaSetObject({ namespace: 'shop', name: 'web', labels: {}, revision: '1', replicas: 1, matchLabels: {}, template });
    expect(alone.metadata).not.toHaveProperty('ownerReferences');
  });
});
