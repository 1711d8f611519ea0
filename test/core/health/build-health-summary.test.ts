import { describe, expect, it } from 'vitest';
import { buildHealthSummary, renderHealthMarkdown, renderHealthText, snapshotOf, type HealthInput, type LatencySample } from '../../../src/core/health/index.js';
import type { CorednsMetrics, CorednsPod } from '../../../src/core/model/index.js';

function pod(name: string, node: string, zone: string, extra: Partial<CorednsPod> = {}): CorednsPod {
  return { name, namespace: 'kube-system', ip: `10.0.0.${name.length}`, node, zone, ready: true, phase: 'Running', restarts: 0, ...extra };
}

function metrics(m: Partial<CorednsMetrics> = {}): CorednsMetrics {
  return { requests: 0, responsesByRcode: {}, cacheHits: 0, cacheMisses: 0, forwardRequests: {}, forwardResponsesByRcode: {}, healthcheckFailures: {}, ...m };
}

function sample(fromNode: string, fromZone: string, label: string, lost: number, p90 = 3): LatencySample {
  return { fromNode, fromZone, target: { ip: '10.96.0.10', role: label === 'kube-dns' ? 'dns-service' : 'coredns-endpoint', label }, sent: 20, ok: 20 - lost, lost, p50Ms: 1, p90Ms: p90, maxMs: p90 };
}

const corefile = '.:53 {\n    errors\n    forward . /etc/resolv.conf\n    cache 30\n}\n';

function input(over: Partial<HealthInput> = {}): HealthInput {
  return {
    cluster: 'prod',
    at: '2026-01-02T09:00:00.000Z',
    replicas: [pod('coredns-a', 'n1', 'zone-a'), pod('coredns-b', 'n2', 'zone-b')],
    nodes: [
      { name: 'n1', ip: '192.168.0.1', zone: 'zone-a', labels: {} },
      { name: 'n2', ip: '192.168.0.2', zone: 'zone-b', labels: {} },
    ],
    podsPerZone: { 'zone-a': 3, 'zone-b': 4 },
    latency: [sample('n1', 'zone-a', 'kube-dns', 0), sample('n1', 'zone-a', 'coredns-a', 0), sample('n2', 'zone-b', 'kube-dns', 0)],
    metrics: {
      'coredns-a': metrics({ requests: 100, responsesByRcode: { NOERROR: 80, NXDOMAIN: 20 }, cacheHits: 30, cacheMisses: 70 }),
      'coredns-b': metrics({ requests: 100, responsesByRcode: { NOERROR: 100 }, cacheHits: 10, cacheMisses: 90 }),
    },
    corefile: { text: corefile, hash: 'h1' },
    notes: [],
    ...over,
  };
}

describe('buildHealthSummary', () => {
  it('is ok when replicas are ready, spread over every zone with pods, and answer without loss', () => {
    const s = buildHealthSummary(input());
    expect(s.status).toBe('ok');
    expect(s.reasons.filter((r) => r.severity !== 'info')).toEqual([]);
    expect(s.replicas).toMatchObject({ total: 2, ready: 2 });
    expect(s.spread.singleZone).toBe(false);
    expect(s.latency.targets).toEqual(['kube-dns', 'coredns-a']);
    expect(s.latency.rows.find((r) => r.fromNode === 'n2')!.cells).toEqual([{ lossPct: 0, p50Ms: 1, p90Ms: 3, sent: 20 }, null]);
  });

  it('flags all replicas in one zone while another zone has pods and no replica', () => {
    const s = buildHealthSummary(input({ replicas: [pod('coredns-a', 'n1', 'zone-a'), pod('coredns-b', 'n1', 'zone-a')] }));
    expect(s.status).toBe('degraded');
    expect(s.spread.singleZone).toBe(true);
    expect(s.spread.zonesWithoutReplica).toEqual(['zone-b']);
    const text = s.reasons.map((r) => r.text).join('\n');
    expect(text).toContain('all 2 CoreDNS replicas run in zone zone-a');
    expect(text).toContain('zone(s) with pods but no CoreDNS replica: zone-b');
    expect(text).toContain('one node (n1)');
  });

  it('is broken when no replica is ready, with the waiting reason', () => {
    const s = buildHealthSummary(input({ replicas: [pod('coredns-a', 'n1', 'zone-a', { ready: false, waitingReason: 'CrashLoopBackOff', restarts: 7 }), pod('coredns-b', 'n2', 'zone-b', { ready: false })] }));
    expect(s.status).toBe('broken');
    expect(s.reasons[0]).toEqual({ severity: 'broken', text: 'no CoreDNS replica is ready (0/2)' });
    expect(s.reasons.map((r) => r.text)).toContain('coredns-a is not ready (CrashLoopBackOff)');
  });

  it('counts restarts since the previous summary, and only those degrade', () => {
    const prev = { ...snapshotOf(input()), restarts: { 'coredns-a': 2, 'coredns-b': 0 } };
    const s = buildHealthSummary(input({ replicas: [pod('coredns-a', 'n1', 'zone-a', { restarts: 5 }), pod('coredns-b', 'n2', 'zone-b')], previous: prev }));
    expect(s.replicas.list[0]).toMatchObject({ restarts: 5, newRestarts: 3 });
    expect(s.status).toBe('degraded');
    const without = buildHealthSummary(input({ replicas: [pod('coredns-a', 'n1', 'zone-a', { restarts: 5 }), pod('coredns-b', 'n2', 'zone-b')] }));
    expect(without.status).toBe('ok');
    expect(without.reasons).toContainEqual({ severity: 'info', text: 'coredns-a has restarted 5 time(s) since it was created' });
  });

  it('computes NXDOMAIN/SERVFAIL ratios and the cache hit rate over all replicas', () => {
    const s = buildHealthSummary(input());
    expect(s.traffic).toMatchObject({ window: 'since-start', requests: 200, responses: 200, nxdomainRatio: 0.1, servfailRatio: 0, cacheHitRate: 0.2 });
  });

  it('uses deltas against the previous snapshot, and the current value for a replica whose counters reset', () => {
    const prev = snapshotOf(input());
    const cur = input({
      at: '2026-01-03T09:00:00.000Z',
      previous: prev,
      metrics: {
        // +100 requests, of which 50 SERVFAIL
        'coredns-a': metrics({ requests: 200, responsesByRcode: { NOERROR: 130, NXDOMAIN: 20, SERVFAIL: 50 }, cacheHits: 40, cacheMisses: 160 }),
        // restarted: counters lower than before → the current values are the window
        'coredns-b': metrics({ requests: 10, responsesByRcode: { NOERROR: 10 }, cacheHits: 5, cacheMisses: 5 }),
      },
    });
    const s = buildHealthSummary(cur);
    expect(s.traffic).toMatchObject({ window: 'since-previous', since: '2026-01-02T09:00:00.000Z', requests: 110, responses: 110 });
    expect(s.traffic.servfailRatio).toBeCloseTo(50 / 110);
    expect(s.traffic.nxdomainRatio).toBe(0);
    expect(s.traffic.cacheHitRate).toBeCloseTo(15 / 110);
    expect(s.status).toBe('degraded');
    expect(s.reasons.map((r) => r.text).join('\n')).toMatch(/SERVFAIL on 45% of responses/);
  });

  it('reports upstream health check failures and upstream errors', () => {
    const s = buildHealthSummary(
      input({
        metrics: {
          'coredns-a': metrics({ forwardRequests: { '10.0.0.53:53': 100 }, forwardResponsesByRcode: { '10.0.0.53:53': { NOERROR: 60, SERVFAIL: 40 } }, healthcheckFailures: { '10.0.0.53:53': 3 } }),
        },
      }),
    );
    expect(s.upstreams).toEqual([{ to: '10.0.0.53:53', requests: 100, responsesByRcode: { NOERROR: 60, SERVFAIL: 40 }, errors: 40, healthcheckFailures: 3 }]);
    const text = s.reasons.map((r) => r.text);
    expect(text).toContain('upstream 10.0.0.53:53 failed 3 health check(s)');
    expect(text).toContain('upstream 10.0.0.53:53 answered 40% with errors (SERVFAIL/REFUSED)');
  });

  it('says when the Corefile changed since the previous summary and shows a unified diff', () => {
    const prev = snapshotOf(input());
    const changed = corefile.replace('cache 30', 'cache 300');
    const s = buildHealthSummary(input({ at: '2026-01-03T09:00:00.000Z', previous: prev, corefile: { text: changed, hash: 'h2' } }));
    expect(s.config.changed).toBe(true);
    expect(s.config.previousAt).toBe('2026-01-02T09:00:00.000Z');
    expect(s.config.diff).toContain('-    cache 30\n+    cache 300');
    expect(s.config.diff!.startsWith('--- Corefile')).toBe(true);
    expect(s.status).toBe('ok');
    expect(renderHealthText(s)).toContain('Corefile CHANGED since 2026-01-02T09:00:00.000Z');
    const same = buildHealthSummary(input({ previous: prev }));
    expect(same.config).toMatchObject({ changed: false });
    expect(same.config.diff).toBeUndefined();
  });

  it('flags replicas that still run an older Corefile than the ConfigMap', () => {
    const s = buildHealthSummary(input({ metrics: { 'coredns-a': metrics({ reloadHash: 'h1' }), 'coredns-b': metrics({ reloadHash: 'old' }) } }));
    expect(s.config.staleReplicas).toEqual(['coredns-b']);
    expect(s.status).toBe('degraded');
  });

  it('is broken when the Service loses most queries from every sample node, degraded on partial loss', () => {
    const broken = buildHealthSummary(input({ latency: [sample('n1', 'zone-a', 'kube-dns', 20), sample('n2', 'zone-b', 'kube-dns', 12)] }));
    expect(broken.status).toBe('broken');
    const partial = buildHealthSummary(input({ latency: [sample('n1', 'zone-a', 'kube-dns', 0), sample('n2', 'zone-b', 'kube-dns', 2)] }));
    expect(partial.status).toBe('degraded');
    expect(partial.reasons.map((r) => r.text)).toContain('10% loss from n2 to kube-dns');
    const slow = buildHealthSummary(input({ latency: [sample('n1', 'zone-a', 'kube-dns', 0, 450)] }));
    expect(slow.reasons.map((r) => r.text)).toContain('p90 latency 450 ms from n1 to kube-dns');
  });

  it('renders text and markdown with the status, the matrix and the notes', () => {
    const s = buildHealthSummary(input({ notes: ['metrics coredns-b: forbidden'] }));
    const text = renderHealthText(s);
    expect(text.split('\n')[0]).toBe('DNS health of prod: OK (2/2 CoreDNS replicas ready)');
    expect(text).toMatch(/n1 \(zone-a\)\s+1\/3ms 0%\s+1\/3ms 0%/);
    expect(text).toContain('  - metrics coredns-b: forbidden');
    const md = renderHealthMarkdown(s);
    expect(md).toContain('| from | kube-dns | coredns-a |');
    expect(md).toContain('| coredns-a | n1 | zone-a | yes | 0 |');
  });
});
