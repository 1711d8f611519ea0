/**
 * Renderers are pure and always within Slack's limits: every message they produce passes the
 * emulator's independent Block Kit validator, whatever the size of the report; cut content is
 * announced and shipped as a file, never dropped silently.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CorefilePatchFix, Finding, Report } from '../../../src/core/model/index.js';
import { renderApplyResult, renderApproval } from '../../../src/slack/blocks/apply-blocks.js';
import { renderParent, renderUsageError } from '../../../src/slack/blocks/command-blocks.js';
import { renderFixProposal } from '../../../src/slack/blocks/fix-blocks.js';
import { renderProgress } from '../../../src/slack/blocks/progress-blocks.js';
import { renderReport } from '../../../src/slack/blocks/report-blocks.js';
import { codeBlock, truncate } from '../../../src/slack/blocks/text.js';
import { validateBlocks } from '../../../src/emulators/slack/block-validator.js';

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

describe('Block Kit renderers', () => {
  it('keep every report within Slack limits, and attach a file whenever something was cut (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 60 }), fc.string({ maxLength: 6000 }), fc.boolean(), fc.array(fc.string({ maxLength: 1500 }), { maxLength: 4 }), (nFindings, nEvidence, text, withRefs, notes) => {
        const findings = Array.from({ length: nFindings }, (_, i) => finding(i, text, withRefs ? Array.from({ length: nEvidence }, (_, j) => `e${j}`) : []));
        const r = { ...report(findings, nEvidence, text), ...(notes.length > 0 ? { notes } : {}) };
        const out = renderReport(r, { askers: ['U1', 'U2'] });
        for (const m of out.messages) {
          expect(validateBlocks(m.blocks)).toEqual([]);
          expect(m.text.length).toBeLessThanOrEqual(40000);
        }
        const all = JSON.stringify(out.messages);
        const cut = all.includes('more characters') || all.includes('not shown');
        expect(out.files.length > 0).toBe(cut);
        if (cut) expect(JSON.parse(out.files[0]!.content)).toEqual(r);
        // Every finding is present (in full or cut), none dropped.
        for (const f of findings) expect(all).toContain(f.checkId);
        expect(all.includes(':warning: Notes:')).toBe(notes.length > 0);
        for (const [i, f] of findings.entries()) {
          for (const x of f.fixes) if (x.kind === 'corefile-patch') expect(validateBlocks(renderFixProposal(x, `fix-${i}`, '2026-01-01T00:00:00Z').blocks)).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('shows the checks that could not judge in a Notes line', () => {
    const r = { ...report([], 0, 'x'), notes: ['intermittent-timeouts could not judge: no burst of queries from the pod\'s position was gathered', 'x could not run: boom'] };
    const blocks = renderReport(r, { askers: [] }).messages.flatMap((m) => m.blocks);
    const line = blocks.find((b) => JSON.stringify(b).includes('Notes:'));
    expect(line).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: ":warning: Notes: intermittent-timeouts could not judge: no burst of queries from the pod's position was gathered · x could not run: boom" }] });
    expect(JSON.stringify(renderReport(report([], 0, 'x'), { askers: [] }).messages)).not.toContain('Notes:');
  });

  it('splits more than 50 blocks into continued messages', () => {
    const findings = Array.from({ length: 30 }, (_, i) => finding(i, `explanation ${i}`, []));
    const out = renderReport(report(findings, 0, 'x'), { askers: [] });
    expect(out.messages.length).toBeGreaterThan(1);
    expect(out.messages.every((m) => m.blocks.length <= 50)).toBe(true);
    expect(JSON.stringify(out.messages[1]!.blocks[0])).toContain('continued');
  });

  it('references an earlier report instead of repeating the finding', () => {
    const f = { ...finding(0, 'the long explanation', []), title: 'Short title' };
    const out = renderReport(report([f], 0, 'x'), { askers: ['U1'], referenced: { fp0: { permalink: 'https://example.org/archives/C1/p1', at: '2026-01-01T00:00:00Z' } } });
    const all = JSON.stringify(out.messages);
    expect(all).toContain('Already reported in this channel');
    expect(all).toContain('https://example.org/archives/C1/p1');
    expect(all).not.toContain('the long explanation');
  });

  it('puts only the proposal id in buttons and keeps a huge diff within limits', () => {
    const m = renderFixProposal(fix('+line\n'.repeat(5000)), 'fix-abc', '2026-01-01T00:00:00Z');
    expect(validateBlocks(m.blocks)).toEqual([]);
    const actions = m.blocks.find((b) => b.type === 'actions') as { elements: { value: string; action_id: string }[] };
    expect(actions.elements.map((e) => e.value)).toEqual(['fix-abc', 'fix-abc', 'fix-abc']);
    expect(JSON.stringify(m.blocks)).toContain('press Show full diff');
  });

  it('renders progress, parent, usage errors and apply results within limits', () => {
    const long = 'n'.repeat(5000);
    const msgs = [
      renderProgress({ name: long, pod: long, cluster: 'lab', step: long, done: 2, total: 5, phase: 'running' }),
      renderParent({ name: long, pod: 'a/b', cluster: 'lab', user: 'U1' }),
      renderUsageError(long),
      renderApproval({ user: 'U1', at: '2026-01-01T00:00:00Z', title: long, object: 'ConfigMap kube-system/coredns', diff: long }),
      renderApplyResult({ proposalId: 'fix-1', title: long, approvedBy: 'U1', at: '2026-01-01T00:00:00Z', outcome: 'applied', message: long, verified: true, verification: long }),
      renderApplyResult({ proposalId: 'fix-1', title: 't', approvedBy: 'U1', at: '2026-01-01T00:00:00Z', outcome: 'conflict', message: long }),
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
