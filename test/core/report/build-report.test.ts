import { describe, expect, it } from 'vitest';
import { runChecksDetailed } from '../../../src/checks/run-checks.js';
import { buildReport } from '../../../src/core/report/index.js';
import { loadFixtures } from '../../checks/load-fixtures.js';

const meta = { startedAt: '2026-11-22T03:00:00.000Z', durationMs: 1500, apiRequests: 12, cluster: 'lab' };

function reportOf(check: string, kind: 'raise' | 'clean', file?: string) {
  const fx = loadFixtures(check, kind).find((f) => !file || f.file === file)!;
  const run = runChecksDetailed(fx.input);
  return { fx, report: buildReport(fx.input, run.findings, { ...meta, notes: run.notes.map((n) => n.text) }) };
}

describe('buildReport', () => {
  it('is broken iff a finding is at warn or error, and the summary names the root cause', () => {
    const { report } = reportOf('upstream-split-horizon', 'raise', 'seed-000-cloud-b-gets-cloud-a-answer.json');
    expect(report.verdict).toBe('broken');
    expect(report.findings[0]!.checkId).toBe('upstream-split-horizon');
    expect(report.summary).toBe(`s3.cloud-b.example is broken from mos/mos-model-6c9f7b5d8-x2k4p: ${report.findings[0]!.title}`);
    expect(report.cluster).toBe('lab');
    expect(report.apiRequests).toBe(12);
  });

  it('is healthy with only info findings and says how the name resolved', () => {
    const { report } = reportOf('healthy', 'raise', 'external-name-resolves.json');
    expect(report.verdict).toBe('healthy');
    expect(report.summary).toMatch(/^api\.example\.org resolves fine from shop\/checkout-6b8d7f9c5-2mzxq: 192\.0\.2\.80 via 10\.96\.0\.10 in \d+ ms$/);
  });

  it('a warn-level finding alone makes the verdict broken', () => {
    const { report } = reportOf('search-path-amplification', 'raise', 'seed-001-search-leaves-cluster.json');
    expect(report.verdict).toBe('broken');
    expect(report.findings.every((f, i, a) => i === 0 || ['error', 'warn', 'info'].indexOf(a[i - 1]!.severity) <= ['error', 'warn', 'info'].indexOf(f.severity))).toBe(true);
  });

  it('builds the resolution path hop by hop from the evidence', () => {
    const { report } = reportOf('upstream-split-horizon', 'raise', 'seed-000-cloud-b-gets-cloud-a-answer.json');
    const steps = report.path.map((h) => h.step);
    expect(steps[0]).toBe('pod resolv.conf');
    expect(steps.filter((s) => s.startsWith('glibc query'))).toEqual([
      'glibc query s3.cloud-b.example.mos.svc.cluster.local A',
      'glibc query s3.cloud-b.example.svc.cluster.local A',
      'glibc query s3.cloud-b.example.cluster.local A',
      'glibc query s3.cloud-b.example A',
    ]);
    expect(steps).toContain('DNS Service 10.96.0.10');
    expect(steps).toContain('CoreDNS coredns-7dbc744b8d-5svcg (10.245.1.33) on dev-worker (cloud-a-1)');
    expect(steps).toContain('upstream 192.168.1.2 (from dev-worker)');
    const tcp = report.path.filter((h) => h.step.startsWith('TCP '));
    expect(tcp.map((h) => [h.step, h.ok])).toEqual([['TCP 10.118.163.249:80', false], ['TCP 10.118.163.249:443', false]]);
    for (const h of report.path) expect(h.evidenceRefs.length).toBeGreaterThan(0);
  });

  it('marks a failed lookup and an /etc/hosts pin in the path', () => {
    const nx = reportOf('name-does-not-exist', 'raise', 'service-in-other-namespace.json').report;
    expect(nx.path.find((h) => h.step === 'lookup result')).toMatchObject({ ok: false, detail: 'failed: NXDOMAIN' });
    const pinned = reportOf('hosts-file-override', 'raise').report;
    expect(pinned.path.find((h) => h.step === 'pod /etc/hosts')?.detail).toBe('api.example.org → 198.51.100.7 (DNS is not asked)');
  });

  it('shows the pod\'s own tool output as a hop', () => {
    const fx = loadFixtures('healthy', 'raise').find((f) => f.file === 'external-name-resolves.json')!;
    const tool = { id: 'e99', kind: 'tool-output' as const, from: { kind: 'pod' as const, namespace: 'shop', name: 'checkout-6b8d7f9c5-2mzxq' }, at: '2026-11-22T03:00:00.000Z', ms: 12,
      tool: 'getent' as const, argv: ['getent', 'ahosts', 'api.example.org'], exitCode: 0, stdout: '192.0.2.80      STREAM api.example.org\n', stderr: '', parsed: { addresses: ['192.0.2.80'] } };
    const report = buildReport({ ...fx.input, evidence: [...fx.input.evidence, tool] }, [], meta);
    expect(report.path.find((h) => h.step === 'in the pod: getent ahosts api.example.org')).toMatchObject({ detail: '192.0.2.80', ok: true, evidenceRefs: ['e99'] });
  });

  it('keeps notes of checks that could not run', () => {
    const fx = loadFixtures('healthy', 'raise').find((f) => f.file === 'external-name-resolves.json')!;
    const report = buildReport(fx.input, [], { ...meta, notes: ['x could not run: boom'] });
    expect(report.notes).toEqual(['x could not run: boom']);
    expect(report.verdict).toBe('healthy');
    expect(report.summary).toBe('api.example.org from shop/checkout-6b8d7f9c5-2mzxq: no DNS problem found');
  });
});
