import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseScenario } from '../../../src/lab/scenario/load-scenario.js';
import { LabState } from '../../../src/lab/state/lab-state.js';
import { findResource } from '../../../src/lab/state/resources.js';
import { fixture } from '../helpers/test-lab.js';

const base = readFileSync(fixture('small.yaml'), 'utf8');

function state(mutate: (d: any) => void = () => {}): LabState {
  const data = parse(base);
  mutate(data);
  return new LabState(parseScenario(stringify(data), 'state.yaml'));
}

describe('LabState built from a scenario', () => {
  it('gives the kubernetes plugin Services (with ports and selectors), EndpointSlice addresses with nodes and zones, and pod IPs', () => {
    const cs = state().clusterState();
    expect(cs.namespaces).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system', 'shop']);
    expect(cs.services.find((s) => s.name === 'kube-dns')).toMatchObject({ namespace: 'kube-system', clusterIP: '10.96.0.10', type: 'ClusterIP' });
    expect(cs.services.find((s) => s.name === 'legacy')).toMatchObject({ type: 'ExternalName', externalName: 'db.corp.example' });
    expect(cs.endpoints.find((e) => e.service === 'web')).toEqual({
      namespace: 'shop',
      service: 'web',
      addresses: [{ ip: '10.244.1.17', ready: true, nodeName: 'node-a', zone: 'zone-a', targetPod: { namespace: 'shop', name: 'web-6c9f7b5d8-x2k4p' } }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });
    expect(cs.pods.map((p) => p.ip).sort()).toEqual(['10.244.1.17', '10.244.1.2', '10.244.2.2', '10.244.2.9']);
  });

  it('a not-ready CoreDNS pod is a not-ready endpoint and stays out of Endpoints addresses', () => {
    const s = state((d) => (d.coredns.pods[1].ready = false));
    expect(s.corednsPods().map((p) => p.ready)).toEqual([true, false]);
    const eps = s.store.get('endpoints', 'kube-system', 'kube-dns') as any;
    expect(eps.subsets[0].addresses.map((a: any) => a.ip)).toEqual(['10.244.1.2']);
    expect(eps.subsets[0].notReadyAddresses.map((a: any) => a.ip)).toEqual(['10.244.2.2']);
  });

  it('a CoreDNS pod whose container never started (its sandbox cannot be created) is Pending with the waiting reason; a crash-looping one is Running', () => {
    const message = 'Failed to create pod sandbox: plugin type="loopback" failed (add): failed to find plugin "loopback" in path [/opt/cni/bin]';
    const s = state((d) => {
      d.coredns.pods[0] = { ...d.coredns.pods[0], ready: false, waiting: { reason: 'ContainerCreating', message } };
      d.coredns.pods[1] = { ...d.coredns.pods[1], restarts: 4, waiting: { reason: 'CrashLoopBackOff' } };
    });
    const [creating, looping] = s.store.list('pods').filter((p: any) => p.metadata.namespace === 'kube-system') as any[];
    expect(creating.status.phase).toBe('Pending');
    expect(creating.status.containerStatuses[0].state).toEqual({ waiting: { reason: 'ContainerCreating', message } });
    expect(creating.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('False');
    expect(looping.status.phase).toBe('Running');
    expect(looping.status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff');
  });

  it('a pod that differs from its Deployment template keeps its own spec', () => {
    const s = state((d) => d.pods.push({ ...d.pods[0], name: 'web-6c9f7b5d8-zzzzz', ip: '10.244.1.18', hostAliases: [] }));
    expect((s.store.get('deployments', 'shop', 'web') as any).spec.replicas).toBe(2);
    expect(s.podFiles('shop', 'web-6c9f7b5d8-zzzzz')!.hosts).not.toContain('HostAliases');
    expect(s.podFiles('shop', 'web-6c9f7b5d8-x2k4p')!.hosts).toContain('# Entries added by HostAliases.');
  });

  it('new pod IPs skip every address in use and scenario pod IPs, and are deterministic', () => {
    const s = state((d) => d.pods.push({ namespace: 'shop', name: 'p3', node: 'node-a', ip: '10.244.1.3' }));
    expect(s.allocateIp('node-a')).toBe('10.244.1.4');
    expect(s.allocateIp('node-a')).toBe('10.244.1.5');
    expect(() => s.allocateIp('nope')).toThrow(/no node nope/);
  });

  it("keeps the cluster view's pod addresses in step with pod writes, and the same view through status-only writes", () => {
    const s = state();
    const podsT = findResource('', 'v1', 'pods')!;
    const fromStore = () => s.store.list('pods').filter((p: any) => p.status?.podIP && !p.spec?.hostNetwork).map((p: any) => ({ namespace: p.metadata.namespace, name: p.metadata.name, ip: p.status.podIP }));
    const before = s.clusterState();
    s.store.create(podsT, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'aaa', namespace: 'shop' }, spec: { nodeName: 'node-a' }, status: { phase: 'Pending', podIP: '10.244.1.40' } });
    s.store.create(podsT, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'no-ip', namespace: 'shop' }, spec: { nodeName: 'node-a' }, status: { phase: 'Pending' } });
    const added = s.clusterState();
    expect(added).not.toBe(before);
    expect(added.pods).toEqual(fromStore());
    expect(added.pods.map((p) => p.name)).toContain('aaa');
    // A phase change keeps the address: the view (and every index built on it) stays.
    s.store.update('pods', { ...(s.store.get('pods', 'shop', 'aaa') as any), status: { phase: 'Running', podIP: '10.244.1.40' } });
    expect(s.clusterState()).toBe(added);
    s.store.update('pods', { ...(s.store.get('pods', 'shop', 'no-ip') as any), status: { phase: 'Running', podIP: '10.244.1.41' } });
    s.store.delete('pods', 'shop', 'aaa');
    expect(s.clusterState().pods).toEqual(fromStore());
    expect(s.clusterState().pods.map((p) => p.name)).toEqual(expect.arrayContaining(['no-ip']));
    expect(s.clusterState().pods.map((p) => p.name)).not.toContain('aaa');
  });

  it('hostNetwork pods have their node IP and the node resolv.conf with ClusterFirst', () => {
    const s = state((d) => d.pods.push({ namespace: 'shop', name: 'hn', node: 'node-a', ip: '10.0.0.10', hostNetwork: true }));
    expect(s.podFiles('shop', 'hn')!.resolvConf).toBe('search ec2.internal\nnameserver 10.0.0.2\n');
    expect(s.podFiles('shop', 'hn')!.hosts.startsWith('# Kubernetes-managed hosts file (host network).\n')).toBe(true);
    expect(s.clusterState().pods.map((p) => p.name)).not.toContain('hn');
  });
});
