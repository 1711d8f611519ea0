import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHealthSummary, snapshotOf } from '../../../src/core/health/index.js';
import { startLab, type Lab } from '../../../src/lab/lab.js';
import { clusterDomainOf, corefileHash, gatherHealth } from '../../../src/probes/health/gather-health.js';
import { KubeClusterAccess } from '../../../src/probes/kube/kube-cluster-access.js';

async function withLab<T>(file: string, fn: (lab: Lab, access: KubeClusterAccess) => Promise<T>): Promise<T> {
  const lab = await startLab(file);
  try {
    return await fn(lab, KubeClusterAccess.fromKubeconfigText(lab.kubeconfig));
  } finally {
    await lab.stop();
  }
}

describe('gatherHealth against the lab', () => {
  it('flags the split-horizon cluster: every CoreDNS replica in cloud-a while pods run in cloud-b', async () => {
    await withLab('scenarios/000-hybrid-cloud-split-horizon.yaml', async (lab, access) => {
      const input = await gatherHealth(access, { cluster: 'lab', pollMs: 50 });
      const s = buildHealthSummary(input);
      expect(s.status).toBe('degraded');
      expect(s.spread.singleZone).toBe(true);
      expect(s.spread.zonesWithoutReplica).toContain('cloud-b-1');
      expect(s.replicas.total).toBe(lab.scenario.coredns.pods.length);
      // one sample node per zone, each measuring the Service and every replica
      expect(new Set(s.latency.rows.map((r) => r.fromZone)).size).toBe(s.latency.rows.length);
      expect(s.latency.targets[0]).toBe('kube-dns');
      expect(s.latency.targets).toHaveLength(1 + s.replicas.total);
      expect(s.config.hash).toBe(corefileHash(lab.scenario.coredns.corefile));
      // the ConfigMap's sha512 is what each replica reports as loaded (coredns_reload_version_info)
      expect(s.replicas.list.map((r) => r.loadedHash)).toEqual(s.replicas.list.map(() => s.config.hash));
      expect(s.config.staleReplicas).toEqual([]);
      // probe pods are gone
      const left = await access.listPods(undefined, { labelSelector: 'app.kubernetes.io/name=dnswhy-probe' });
      expect(left).toEqual([]);
    });
  }, 60_000);

  it('says ok for the healthy cluster, and config drift once the Corefile changes', async () => {
    await withLab('scenarios/healthy-cluster.yaml', async (_lab, access) => {
      const first = await gatherHealth(access, { cluster: 'lab', pollMs: 50, burst: { count: 10, concurrency: 5 } });
      const s1 = buildHealthSummary(first);
      // Latency is real wall-clock time over loopback: on a loaded 2-core machine a p90 above the 200 ms
      // threshold is the machine, not the cluster, so latency reasons alone may lower the status here.
      const notLatency = s1.reasons.filter((r) => !r.text.startsWith('p90 latency'));
      expect(notLatency).toEqual([]);
      expect(s1.status, JSON.stringify(s1.reasons)).toBe(s1.reasons.length === 0 ? 'ok' : 'degraded');
      expect(s1.latency.rows.every((r) => r.cells.every((c) => c !== null && c.lossPct === 0))).toBe(true);
      // metrics are read after the latency sample: the replicas counted its queries
      expect(s1.traffic.requests).toBeGreaterThan(0);
      expect(s1.traffic.servfailRatio).toBe(0);
      const cm = await access.readConfigMap('kube-system', 'coredns');
      await access.patchConfigMapData('kube-system', 'coredns', { Corefile: cm.data.Corefile!.replace('cache 30', 'cache 60') }, { resourceVersion: cm.resourceVersion });
      const second = await gatherHealth(access, { cluster: 'lab', previous: snapshotOf(first), burst: { count: 0, concurrency: 1 } });
      const s2 = buildHealthSummary(second);
      expect(s2.config.changed).toBe(true);
      expect(s2.config.diff).toContain('+    cache 60');
      expect(s2.traffic.window).toBe('since-previous');
    });
  }, 60_000);

  it('says broken when no CoreDNS replica is ready', async () => {
    await withLab('scenarios/variants/coredns-not-ready.yaml', async (_lab, access) => {
      const s = buildHealthSummary(await gatherHealth(access, { cluster: 'lab', pollMs: 50, burst: { count: 5, concurrency: 5 } }));
      expect(s.status).toBe('broken');
      expect(s.reasons[0]!.text).toMatch(/no CoreDNS replica is ready \(0\/\d\)/);
    });
  }, 60_000);

  it('turns an unreachable API into notes, never a throw', async () => {
    const access = KubeClusterAccess.fromKubeconfigText(
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const input = await gatherHealth(access, { cluster: 'gone', timeouts: { readMs: 2000 } });
    expect(input.replicas).toEqual([]);
    expect(input.notes.length).toBeGreaterThan(0);
    expect(buildHealthSummary(input).status).toBe('broken');
  }, 30_000);

  it('reads the cluster domain from the kubernetes plugin line', () => {
    expect(clusterDomainOf('.:53 {\n    kubernetes corp.example in-addr.arpa ip6.arpa {\n    }\n}')).toBe('corp.example');
    expect(clusterDomainOf(undefined)).toBe('cluster.local');
  });
});
