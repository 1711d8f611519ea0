import { describe, expect, it } from 'vitest';
import { buildHealthSummary, snapshotOf, type HealthInput } from '../../src/core/health/index.js';
import type { CorednsMetrics } from '../../src/core/model/index.js';
import { renderHealth } from '../../src/slack/blocks/health-blocks.js';
import { blockLimits } from '../../src/slack/blocks/limits.js';
import { validateBlocks } from '../../src/emulators/slack/block-validator.js';

const m = (requests: number): CorednsMetrics => ({
  requests,
  responsesByRcode: { NOERROR: requests - 10, SERVFAIL: 10 },
  cacheHits: requests / 2,
  cacheMisses: requests / 2,
  forwardRequests: { '10.0.0.53:53': requests },
  forwardResponsesByRcode: { '10.0.0.53:53': { NOERROR: requests } },
  healthcheckFailures: {},
});

function input(replicas: number, sampleNodes: number, over: Partial<HealthInput> = {}): HealthInput {
  const names = Array.from({ length: replicas }, (_, i) => `coredns-5dd5756b68-${String(i).padStart(5, 'x')}`);
  return {
    cluster: 'prod-eu',
    at: '2026-01-02T09:00:00.000Z',
    replicas: names.map((name, i) => ({ name, namespace: 'kube-system', ip: `10.244.${i}.5`, node: `node-${i % 4}`, zone: `zone-${i % 2}`, ready: i !== 1, phase: 'Running', restarts: i, ...(i === 1 ? { waitingReason: 'CrashLoopBackOff' } : {}) })),
    nodes: Array.from({ length: 4 }, (_, i) => ({ name: `node-${i}`, ip: `192.168.0.${i}`, zone: `zone-${i % 3}`, labels: {} })),
    podsPerZone: { 'zone-0': 3, 'zone-1': 2, 'zone-2': 7 },
    latency: Array.from({ length: sampleNodes }, (_, n) => [{ label: 'kube-dns', role: 'dns-service' as const }, ...names.map((label) => ({ label, role: 'coredns-endpoint' as const }))].map((t) => ({ fromNode: `node-${n}`, fromZone: `zone-${n % 3}`, target: { ip: '10.96.0.10', ...t }, sent: 20, ok: 19, lost: 1, p50Ms: 2, p90Ms: 9, maxMs: 12 }))).flat(),
    metrics: Object.fromEntries(names.map((n) => [n, m(1000)])),
    corefile: { text: '.:53 {\n    forward . 10.0.0.53\n    cache 30\n}\n', hash: 'b'.repeat(128) },
    notes: [],
    ...over,
  };
}

function checkLimits(msg: ReturnType<typeof renderHealth>): void {
  expect(validateBlocks(msg.blocks)).toEqual([]);
  expect(msg.blocks.length).toBeLessThanOrEqual(blockLimits.blocksPerMessage);
  for (const b of msg.blocks as { type: string; text?: { text: string }; elements?: { text: string }[] }[]) {
    if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(blockLimits.sectionText);
    if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(blockLimits.headerText);
    if (b.type === 'context') for (const e of b.elements!) expect(e.text.length).toBeLessThanOrEqual(blockLimits.contextText);
  }
  expect(msg.text.length).toBeLessThanOrEqual(blockLimits.sectionText);
}

describe('renderHealth (Block Kit)', () => {
  it('shows the status, the reasons, the replicas, the matrix, traffic, upstreams and config', () => {
    const s = buildHealthSummary(input(3, 2));
    const msg = renderHealth(s, 'U0ASKER');
    checkLimits(msg);
    const all = JSON.stringify(msg.blocks);
    expect(msg.text.startsWith('DNS health of prod-eu: DEGRADED (')).toBe(true);
    expect(msg.text).toContain('coredns-5dd5756b68-xxxx1 is not ready (CrashLoopBackOff)');
    expect(all).toContain('Asked by <@U0ASKER>');
    expect(JSON.stringify(renderHealth(s, 'U0ASKER', { scheduled: true }).blocks)).toContain('Scheduled by <@U0ASKER>');
    expect(all).toContain('Latency p50/p90 and loss from sample nodes');
    expect(all).toContain('2/9ms 5%');
    expect(all).toContain('zone-2 0 replicas / 7 pods');
    expect(all).toContain('10.0.0.53:53: 3000 requests');
    expect(all).toContain('SERVFAIL 1.0%');
  });

  it('stays within Slack limits for a big cluster, long notes and a long Corefile diff, and says what was cut', () => {
    const big = input(40, 10, { notes: Array.from({ length: 200 }, (_, i) => `metrics of coredns-${i}: forbidden: the API server refused "get pods/proxy" (RBAC)`) });
    const prevText = Array.from({ length: 400 }, (_, i) => `example-${i}.internal:53 {\n    forward . 10.1.${i % 250}.1\n}`).join('\n');
    const previous = { ...snapshotOf(big), corefileHash: 'a'.repeat(128), corefileText: prevText };
    const s = buildHealthSummary({ ...big, previous });
    expect(s.config.diffTruncated).toBe(true);
    const msg = renderHealth(s, 'U0ASKER');
    checkLimits(msg);
    const all = JSON.stringify(msg.blocks);
    expect(all).toMatch(/more (lines not shown|characters)/);
  });

  it('renders an empty cluster (nothing readable) without failing', () => {
    const s = buildHealthSummary(input(0, 0, { nodes: [], podsPerZone: {}, notes: ['list nodes: forbidden'], metrics: {} }));
    const msg = renderHealth(s, 'U0ASKER');
    checkLimits(msg);
    expect(msg.text).toBe('DNS health of prod-eu: BROKEN (no CoreDNS replica found)');
    expect(JSON.stringify(msg.blocks)).toContain('Could not learn: list nodes: forbidden');
  });
});
