/**
 * Renderers are pure and always within Slack's limits: every message they produce passes the
 * emulator's independent Block Kit validator, whatever the size of the report; cut content is
 * announced and shipped as a file, never dropped silently. (The report is one first-screen message
 * now, with the evidence, path and changes behind Show details: the assertions follow that.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CorefilePatchFix, Finding, Report } from '../../../src/core/model/index.js';
import { renderApplyResult, renderApproval } from '../../../src/slack/blocks/apply-blocks.js';
import { renderParent, renderUsageError } from '../../../src/slack/blocks/command-blocks.js';
import { renderDetails } from '../../../src/slack/blocks/details-blocks.js';
import { renderProgress } from '../../../src/slack/blocks/progress-blocks.js';
import { renderReport } from '../../../src/slack/blocks/report-blocks.js';
import { codeBlock, truncate } from '../../../src/slack/blocks/text.js';
import { validateBlocks } from '../../../src/emulators/slack/block-validator.js';
import { slotKey, type ReportViewState } from '../../../src/slack/blocks/report-view.js';
import { firstScreenBudget, firstScreenChars } from '../helpers/thread-rules.js';

function fix(diff: string, title = 'Forward example.org to 192.0.2.53'): CorefilePatchFix {
  return {
    kind: 'corefile-patch',
    title,
    blastRadius: 'pods asking for example.org',
    risk: 'low',
    target: { namespace: 'kube-system', name: 'coredns', key: 'Corefile', resourceVersion: '7' },
    before: 'a',
    after: 'b',
    diff,
    changes: 'adds a server block',
    simulation: { failing: { name: 'a.example.org', type: 'A', client: '10.0.0.1', before: 'NXDOMAIN', after: '192.0.2.1', changed: true }, controls: [{ name: 'kubernetes.default.svc.cluster.local', type: 'A', client: '10.0.0.1', before: '10.96.0.1', after: '10.96.0.1', changed: false }], proof: 'reachable' },
    needsRestart: true,
  };
}

function finding(i: number, text: string, evidenceRefs: string[]): Finding {
  return { checkId: `check-${i}`, severity: i % 3 === 0 ? 'error' : i % 3 === 1 ? 'warn' : 'info', title: text.slice(0, 300) || 'finding', explanation: text, evidenceRefs, fixes: [fix(text), { kind: 'advice', title: 'Advice', blastRadius: 'none', risk: 'low', steps: [text, text] }], docsUrl: 'https://example.org/docs', fingerprint: `fp${i}`, confidence: 0.8 };
}

function report(findings: Finding[], evidenceCount: number, text: string): Report {
  return {
    pod: { namespace: 'default', name: 'web-7d9', node: 'node-a' },
    name: 'api.example.org',
    cluster: 'lab',
    verdict: findings.length ? 'broken' : 'healthy',
    summary: text || 'summary',
    findings,
    path: Array.from({ length: 5 }, (_, i) => ({ step: `hop ${i}`, detail: text, ok: i % 2 === 0, evidenceRefs: [] })),
    evidence: Array.from({ length: evidenceCount }, (_, i) => ({ id: `e${i}`, kind: 'resolv-conf' as const, from: { kind: 'pod' as const, namespace: 'default', name: 'web-7d9' }, at: '2026-01-01T00:00:00Z', ms: 1, text: `nameserver 10.96.0.10\nsearch default.svc.cluster.local ${text}` })),
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1234,
  };
}

function stateFor(r: Report): ReportViewState {
  const slots: ReportViewState['slots'] = {};
  r.findings.forEach((f, i) => f.fixes.forEach((x, j) => {
    if (x.kind !== 'advice') slots[slotKey(i, j)] = { proposalId: `fix-${i}x${j}`, status: 'pending' };
  }));
  return { reportId: 'rep-0123456789abcdef', slots, openFindings: r.findings.map((_, i) => i) };
}

describe('Block Kit renderers', () => {
  it('keep every report and its details within Slack limits, and attach a file whenever the details were cut (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 60 }), fc.string({ maxLength: 6000 }), fc.boolean(), fc.array(fc.string({ maxLength: 1500 }), { maxLength: 4 }), (nFindings, nEvidence, text, withRefs, notes) => {
        const findings = Array.from({ length: nFindings }, (_, i) => finding(i, text, withRefs ? Array.from({ length: nEvidence }, (_, j) => `e${j}`) : []));
        const r = { ...report(findings, nEvidence, text), ...(notes.length > 0 ? { notes } : {}) };
        for (const state of [undefined, stateFor(r)]) {
          const m = renderReport(r, { askers: ['U1', 'U2'], ...(state ? { state } : {}) });
          expect(validateBlocks(m.blocks)).toEqual([]);
          expect(m.text.length).toBeLessThanOrEqual(40000);
          expect(JSON.stringify(m).includes(':warning: Notes:')).toBe(notes.length > 0);
          // Whatever the checks write, the first screen stays within its budget.
          if (state) expect(firstScreenChars(m)).toBeLessThanOrEqual(firstScreenBudget);
        }
        const d = renderDetails(r);
        expect(validateBlocks(d.message.blocks)).toEqual([]);
        const all = JSON.stringify(d.message);
        // Every finding is in the details, in the message or (when long) in the file: none dropped.
        for (const f of findings) expect(d.file ? d.file.content : all).toContain(f.checkId);
        for (const e of r.evidence) expect(d.file ? d.file.content : all).toContain(`[${e.id}]`);
        if (!d.file) expect(all).not.toMatch(/more characters|not shown/);
      }),
      { numRuns: 60 },
    );
  });

  it('shows the checks that could not judge in a Notes line', () => {
    const r = { ...report([], 0, 'x'), notes: ['intermittent-timeouts could not judge: no burst of queries from the pod\'s position was gathered', 'x could not run: boom'] };
    const line = renderReport(r, { askers: [] }).blocks.find((b) => JSON.stringify(b).includes('Notes:'));
    expect(line).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: ":warning: Notes: intermittent-timeouts could not judge: no burst of queries from the pod's position was gathered · x could not run: boom" }] });
    expect(JSON.stringify(renderReport(report([], 0, 'x'), { askers: [] }))).not.toContain('Notes:');
  });

  it('names more causes than fit in one line instead of dropping them', () => {
    const findings = Array.from({ length: 30 }, (_, i) => ({ ...finding(i, `explanation ${i}`, []), severity: 'error' as const }));
    const r = report(findings, 0, 'x');
    const m = renderReport(r, { askers: [], state: stateFor(r) });
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(m)).toContain('25 more causes');
  });

  it('references an earlier report instead of repeating the finding', () => {
    const f = { ...finding(0, 'the long explanation', []), title: 'Short title' };
    const m = renderReport(report([f], 0, 'x'), { askers: ['U1'], referenced: { fp0: { permalink: 'https://example.org/archives/C1/p1', at: '2026-01-01T00:00:00Z' } } });
    const all = JSON.stringify(m);
    expect(all).toContain('Already reported in this channel');
    expect(all).toContain('https://example.org/archives/C1/p1');
    expect(all).not.toContain('the long explanation');
  });

  it('puts only ids in buttons and keeps a huge diff within limits, in a file', () => {
    const huge = { ...finding(0, 'cause', []), fixes: [fix('+line\n'.repeat(5000))] };
    const r = report([huge], 0, 'x');
    const m = renderReport(r, { askers: [], state: stateFor(r) });
    expect(validateBlocks(m.blocks)).toEqual([]);
    const values = m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => (e as { value: string }).value) : []));
    expect(values.every((v) => /^(fix-[a-z0-9]+|rep-[a-f0-9]+(\/\d+)?)$/.test(v))).toBe(true);
    expect(JSON.stringify(m)).not.toContain('+line');
    const d = renderDetails(r);
    expect(d.file?.content.split('+line').length).toBe(5001);
  });

  it('renders progress, parent, usage errors and apply results within limits', () => {
    const long = 'n'.repeat(5000);
    const msgs = [
      renderProgress({ name: long, pod: long, cluster: 'lab', step: long, done: 2, total: 5, phase: 'running' }),
      renderParent({ name: long, pod: 'a/b', cluster: 'lab', user: 'U1' }),
      renderUsageError(long),
      renderApproval({ user: 'U1', at: '2026-01-01T00:00:00Z', title: long, object: 'ConfigMap kube-system/coredns', change: 'abcdef012345' }),
      renderApplyResult({ proposalId: 'fix-1', title: long, approvedBy: 'U1', at: '2026-01-01T00:00:00Z', outcome: 'applied', message: long, verified: true, verification: long, change: 'abcdef012345', object: 'ConfigMap kube-system/coredns', resourceVersionBefore: '7', resourceVersionAfter: '8' }),
      renderApplyResult({ proposalId: 'fix-1', title: 't', approvedBy: 'U1', at: '2026-01-01T00:00:00Z', outcome: 'conflict', message: long, change: 'abcdef012345', object: 'ConfigMap kube-system/coredns' }),
    ];
    for (const m of msgs) expect(validateBlocks(m.blocks)).toEqual([]);
    expect(JSON.stringify(msgs[0])).toContain('▰▰▰▰▱▱▱▱▱▱ 2/5');
  });

  it('truncates with a note saying how much was cut, and keeps code fences closed', () => {
    const t = truncate('x'.repeat(100), 50, 'see file');
    expect(t.text.length).toBeLessThanOrEqual(50);
    expect(t.text).toMatch(/\d+ more characters; see file/);
    const c = codeBlock('```\n' + 'line\n'.repeat(1000), 300);
    expect(c.text.length).toBeLessThanOrEqual(300);
    expect(c.text.match(/```/g)?.length).toBe(2);
    expect(c.text).toMatch(/more lines not shown/);
  });
});
