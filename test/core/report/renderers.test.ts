import { describe, expect, it } from 'vitest';
import { runChecksDetailed } from '../../../src/checks/run-checks.js';
import { buildReport, renderJson, renderMarkdown, renderText } from '../../../src/core/report/index.js';
import { loadFixtures } from '../../checks/load-fixtures.js';

function report(check: string, file?: string) {
  const all = loadFixtures(check, 'raise');
  const fx = (file ? all.find((f) => f.file === file) : all[0])!;
  return buildReport(fx.input, runChecksDetailed(fx.input).findings, { startedAt: '2026-11-22T03:00:00.000Z', durationMs: 900 });
}

describe('renderText', () => {
  const r = report('upstream-split-horizon', 'seed-000-cloud-b-gets-cloud-a-answer.json');

  it('puts the verdict on the first line and no colour unless asked', () => {
    const text = renderText(r);
    expect(text.split('\n')[0]).toBe(`BROKEN ${r.summary}`);
    expect(text).not.toMatch(/\u001b\[/);
    expect(renderText(r, { color: true })).toMatch(/\u001b\[/);
  });

  it('shows findings by severity with explanation, evidence refs, fixes with diff, then the path', () => {
    const text = renderText(r);
    const err = text.indexOf('ERROR ');
    const info = text.indexOf('INFO ');
    const path = text.indexOf('Resolution path:');
    expect(err).toBeGreaterThan(0);
    expect(info).toBeGreaterThan(err);
    expect(path).toBeGreaterThan(info);
    expect(text).toContain(r.findings[0]!.explanation);
    expect(text).toContain(`evidence: ${r.findings[0]!.evidenceRefs.join(', ')}`);
    expect(text).toContain('1. corefile-patch: ');
    expect(text).toContain("+        expr incidr(client_ip(), '10.245.4.0/24')");
    expect(text).toContain('✗ TCP 10.118.163.249:80: failed: timeout');
  });

  it('says HEALTHY for a healthy report', () => {
    expect(renderText(report('healthy', 'external-name-resolves.json')).startsWith('HEALTHY api.example.org resolves fine')).toBe(true);
  });
});

describe('renderJson', () => {
  it('follows the report shape docs/lab-scenario.md promises', () => {
    const r = report('mixed-upstreams');
    const j = JSON.parse(renderJson(r)) as { verdict: string; findings: { checkId: string; severity: string; title: string; explanation: string; fixes: { kind: string }[] }[]; path: unknown[]; evidence?: unknown[] };
    expect(j.verdict).toBe('broken');
    expect(j.findings[0]).toMatchObject({ checkId: 'mixed-upstreams', severity: 'error' });
    expect(j.findings[0]!.fixes.map((f) => f.kind)).toEqual(['corefile-patch', 'advice']);
    expect(typeof j.findings[0]!.title).toBe('string');
    expect(typeof j.findings[0]!.explanation).toBe('string');
    expect(j.path.length).toBe(r.path.length);
    expect(j.evidence?.length).toBe(r.evidence.length);
    expect(JSON.parse(renderJson(r, { evidence: false })).evidence).toBeUndefined();
  });
});

describe('renderMarkdown', () => {
  it('has the verdict heading, findings, a diff block and the path table', () => {
    const md = renderMarkdown(report('static-answer-unreachable'));
    expect(md.split('\n')[0]).toMatch(/^## Broken: s3\.cloud-b\.example is broken from service-b\//);
    expect(md).toContain('### ERROR: ');
    expect(md).toContain('```diff');
    expect(md).toContain('| ✗ | TCP 10.118.163.242:80 | failed: timeout |');
  });
});
