import { describe, expect, it } from 'vitest';
import { runChecksDetailed } from '../../../src/checks/run-checks.js';
import { buildReport, renderJson, renderMarkdown, renderText } from '../../../src/core/report/index.js';
import { loadFixtures } from '../../checks/load-fixtures.js';

function report(check: string, file?: string) {
  const all = loadFixtures(check, 'raise');
  const fx = (file ? all.find((f) => f.file === file) : all[0])!;
  return buildReport(fx.input, runChecksDetailed(fx.input).findings, { startedAt: '2026-11-22T03:00:00.000Z', durationMs: 900 });
}

// The text report follows the Slack report's order and brevity: verdict, cause, recommended fix,
// other fixes one line each, "also noticed"; the details (explanations, evidence, changes, path)
// only with --verbose / -o wide.
describe('renderText', () => {
  const r = report('upstream-split-horizon', 'seed-000-cloud-b-gets-cloud-a-answer.json');

  it('puts the verdict and the target on the first line and no colour unless asked', () => {
    const text = renderText(r);
    expect(text.split('\n')[0]).toBe(`BROKEN ${r.name} from ${r.pod.namespace}/${r.pod.name}`);
    expect(text).not.toMatch(/\u001b\[/);
    expect(renderText(r, { color: true })).toMatch(/\u001b\[/);
  });

  it('shows the cause, then the recommended fix with its blast radius, then the others one line each, and no details', () => {
    const text = renderText(r);
    const cause = text.indexOf('Cause: ');
    const rec = text.indexOf('Recommended fix: ');
    const others = text.indexOf('Other fixes:');
    const also = text.indexOf('Also noticed: ');
    expect(cause).toBeGreaterThan(0);
    expect(rec).toBeGreaterThan(cause);
    expect(text.indexOf('blast radius: ', rec)).toBeGreaterThan(rec);
    expect(others).toBeGreaterThan(rec);
    expect(also).toBeGreaterThan(others);
    expect(text).not.toContain('Resolution path:');
    expect(text).not.toContain(r.findings[0]!.explanation);
    expect(text).toMatch(/Docs: https:\/\/\S+\/src\/checks\/upstream-split-horizon\/README\.md https:\/\/coredns\.io\/plugins\/forward\//);
  });

  it('adds every explanation, the evidence by id, the changes and the path with verbose', () => {
    const text = renderText(r, { verbose: true });
    expect(text).toContain(r.findings[0]!.explanation);
    for (const id of r.findings[0]!.evidenceRefs) expect(text).toContain(`[${id}]`);
    expect(text).toContain("        expr incidr(client_ip(), '10.245.4.0/24')");
    expect(text).toContain('New server block (insert it before server block `.:53` (line 1)');
    expect(text).toContain('✗ TCP 10.118.163.249:80: failed: timeout');
    expect(text.indexOf('Resolution path:')).toBeGreaterThan(text.indexOf('Details'));
  });

  it('says HEALTHY for a healthy report', () => {
    const text = renderText(report('healthy', 'external-name-resolves.json'));
    expect(text.startsWith('HEALTHY api.example.org from')).toBe(true);
    expect(text).toContain('api.example.org resolves fine');
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
  it('fits an incident ticket: verdict heading, cause and recommended fix first, then the details with the change and the path', () => {
    const md = renderMarkdown(report('static-answer-unreachable'));
    expect(md.split('\n')[0]).toMatch(/^## Broken: `s3\.cloud-b\.example` from `service-b\//);
    const cause = md.indexOf('**Cause** (`static-answer-unreachable`)');
    const rec = md.indexOf('**Recommended fix**: ');
    const details = md.indexOf('### Details');
    expect(cause).toBeGreaterThan(0);
    expect(rec).toBeGreaterThan(cause);
    expect(details).toBeGreaterThan(rec);
    expect(md).toMatch(/\*\*References\*\*: \[About static-answer-unreachable\]\(https:\/\//);
    expect(md.indexOf('  Change `')).toBeGreaterThan(details);
    expect(md).toContain('✗ TCP 10.118.163.242:80: failed: timeout');
  });
});
