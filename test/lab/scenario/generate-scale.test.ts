import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startLab } from '../../../src/lab/lab.js';
import { generateScaleScenario, ScaleOptionError } from '../../../src/lab/scenario/generate-scale.js';
import { parseScenario } from '../../../src/lab/scenario/load-scenario.js';

describe('scale scenario generator', () => {
  it('writes a valid scenario of the asked size, the same every time', () => {
    const data = generateScaleScenario({ nodes: 40, pods: 1000, podsPerDeployment: 7, serviceShare: 0.25, namespaces: 6, zones: 4 });
    expect(generateScaleScenario({ nodes: 40, pods: 1000, podsPerDeployment: 7, serviceShare: 0.25, namespaces: 6, zones: 4 })).toEqual(data);
    const s = parseScenario(JSON.stringify(data), 'scale.json');
    expect(s.nodes).toHaveLength(40);
    expect(s.pods).toHaveLength(1000);
    expect(new Set(s.pods.map((p) => p.namespace)).size).toBe(6);
    expect(new Set(s.nodes.map((n) => n.labels['topology.kubernetes.io/zone'])).size).toBe(4);
    expect(s.coredns.pods).toHaveLength(4);
    // 143 Deployments (the last with 6 pods); a quarter have a Service, plus default/kubernetes.
    expect(new Set(s.pods.map((p) => p.owner!.name)).size).toBe(143);
    expect(s.services.length - 1).toBeGreaterThanOrEqual(Math.floor(143 * 0.25));
    expect(s.services.length - 1).toBeLessThanOrEqual(Math.ceil(143 * 0.25) + 2);
    expect(s.expect.map((e) => e.verdict)).toEqual(['healthy', 'healthy']);
    // The YAML form reads the same.
    expect(parseScenario(stringify(data), 'scale.yaml')).toEqual(s);
  });

  it('names the option that is out of range', () => {
    expect(() => generateScaleScenario({ nodes: 0, pods: 10 })).toThrow(ScaleOptionError);
    expect(() => generateScaleScenario({ nodes: 2, pods: 501 })).toThrow(/--pods must be a whole number from 1 to 500, got 501/);
    expect(() => generateScaleScenario({ nodes: 2, pods: 10, serviceShare: 1.5 })).toThrow(/--service-share/);
    expect(() => generateScaleScenario({ nodes: 2, pods: 10, zones: 27 })).toThrow(/--zones/);
  });

  it("a generated lab's controllers agree with its size: endpoints, ReplicaSets and Deployments all ready", async () => {
    const data = generateScaleScenario({ nodes: 50, pods: 2000, podsPerDeployment: 10, serviceShare: 0.5, namespaces: 5 });
    const lab = await startLab(parseScenario(JSON.stringify(data), 'scale.json'), { dns: false });
    try {
      const store = lab.state.store;
      const services = store.list('services').filter((s: any) => s.spec.selector);
      expect(services.length).toBeGreaterThan(90);
      for (const svc of services) {
        const slice = store.list('endpointslices', svc.metadata.namespace).find((e) => e.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name) as any;
        const want = store.list('pods', svc.metadata.namespace).filter((p) => p.metadata.labels?.app === (svc as any).spec.selector.app).map((p: any) => p.status.podIP);
        expect(slice.endpoints.map((e: any) => e.addresses[0])).toEqual(want);
      }
      for (const d of store.list('deployments').filter((x) => x.metadata.namespace !== 'kube-system') as any[]) {
        expect(d.status.readyReplicas).toBe(d.spec.replicas);
        expect(d.status.updatedReplicas).toBe(d.spec.replicas);
      }
      for (const rs of store.list('replicasets') as any[]) expect(rs.status.readyReplicas).toBe(rs.spec.replicas);
      const view = lab.state.clusterState();
      expect(view.pods).toHaveLength(2000 + 3);
      expect(lab.state.clusterState()).toBe(view);
    } finally {
      await lab.stop();
    }
  });
});
