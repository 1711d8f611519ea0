import { describe, expect, it } from 'vitest';
import { defineCheck, type Check, type CheckInput } from '../../src/checks/define-check.js';
import { fingerprint } from '../../src/checks/fingerprint.js';
import { runChecks, runChecksDetailed } from '../../src/checks/run-checks.js';
import { sortFindings } from '../../src/core/model/finding.js';
import { makeFinding } from '../../src/checks/lib/finding.js';
import { LacksEvidenceError } from '../../src/checks/lacks-evidence.js';
import type { Finding, PodFacts } from '../../src/core/model/index.js';
import { loadFixtures } from './load-fixtures.js';

const pod: PodFacts = { namespace: 'default', name: 'web-1', ip: '10.0.0.5', node: 'n1', phase: 'Running', ready: true, hostNetwork: false, dnsPolicy: 'ClusterFirst', hostAliases: [], labels: {}, containers: ['main'] };
const input: CheckInput = { target: { pod, name: 'example.org' }, evidence: [] };

function fake(id: string, severity: Finding['severity'], confidence: number, opts: { throws?: boolean; lacks?: boolean; last?: boolean } = {}): Check {
  const meta = { title: id, severity, docsUrl: `src/checks/${id}/README.md`, messages: { m: { severity, text: id } }, ...(opts.last ? { onlyWhenNothingElse: true } : {}) };
  return defineCheck({
    id,
    meta,
    run: () => {
      if (opts.throws) throw new Error('boom');
      if (opts.lacks) throw new LacksEvidenceError('burst of queries');
      return [makeFinding(id, meta, 'm', { explanation: `${id} explanation`, evidenceRefs: [], confidence, decisive: { id } })];
    },
  });
}

describe('runChecks', () => {
  it('records a throwing check as a note and keeps the others', () => {
    const run = runChecksDetailed(input, [fake('a', 'warn', 0.5), fake('b', 'error', 0.5, { throws: true }), fake('c', 'info', 0.5)]);
    expect(run.notes).toEqual([{ checkId: 'b', kind: 'threw', text: 'b could not run: boom' }]);
    expect(run.findings.map((f) => f.checkId)).toEqual(['a', 'c']);
  });

  it('records a check that lacks evidence as a note of its own kind, not as a finding', () => {
    const run = runChecksDetailed(input, [fake('a', 'warn', 0.5), fake('l', 'error', 0.5, { lacks: true })]);
    expect(run.notes).toEqual([{ checkId: 'l', kind: 'lacked-evidence', text: 'l could not judge: no burst of queries was gathered' }]);
    expect(run.findings.map((f) => f.checkId)).toEqual(['a']);
  });

  it('orders by severity, then confidence, then registry order', () => {
    const run = runChecksDetailed(input, [fake('i', 'info', 0.9), fake('w1', 'warn', 0.2), fake('e', 'error', 0.1), fake('w2', 'warn', 0.8), fake('w3', 'warn', 0.8)]);
    expect(run.findings.map((f) => f.checkId)).toEqual(['e', 'w2', 'w3', 'w1', 'i']);
  });

  it('runs the onlyWhenNothingElse checks only when nothing reached warn or error', () => {
    expect(runChecksDetailed(input, [fake('i', 'info', 0.5), fake('h', 'info', 0.5, { last: true })]).findings.map((f) => f.checkId)).toEqual(['i', 'h']);
    expect(runChecksDetailed(input, [fake('w', 'warn', 0.5), fake('h', 'info', 0.5, { last: true })]).findings.map((f) => f.checkId)).toEqual(['w']);
  });

  it('runs the real registry on evidence-free input without throwing, invents nothing, and says which checks lacked evidence', () => {
    const run = runChecksDetailed(input);
    expect(run.notes.filter((n) => n.kind === 'threw')).toEqual([]);
    expect(run.notes.map((n) => n.checkId).sort()).toEqual(['dns-endpoint-unreachable', 'intermittent-timeouts', 'search-path-amplification', 'upstream-failure']);
    expect(run.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(runChecks(input)).toEqual(run.findings);
  });

  it('sortFindings is stable for equal keys', () => {
    const a = fake('a', 'warn', 0.5).run(input)[0]!;
    const b = fake('b', 'warn', 0.5).run(input)[0]!;
    expect(sortFindings([a, b]).map((f) => f.checkId)).toEqual(['a', 'b']);
  });
});

describe('defineCheck', () => {
  it('rejects ids that are not kebab-case and checks without message ids', () => {
    expect(() => defineCheck({ ...fake('ok', 'info', 1), id: 'Not_Kebab' })).toThrow(/kebab-case/);
    expect(() => defineCheck({ id: 'x', meta: { title: 'x', severity: 'info', docsUrl: '', messages: {} }, run: () => [] })).toThrow(/message ids/);
  });
});

describe('fingerprint', () => {
  it('depends on values, not on key order or evidence ids', () => {
    expect(fingerprint('c', { a: 1, b: [2, 3] })).toBe(fingerprint('c', { b: [2, 3], a: 1 }));
    expect(fingerprint('c', { a: 1 })).not.toBe(fingerprint('c', { a: 2 }));
    expect(fingerprint('c', { a: 1 })).not.toBe(fingerprint('d', { a: 1 }));
  });

  it('is the same for the same fault seen with different evidence ids and timings', () => {
    const fx = loadFixtures('upstream-split-horizon', 'raise').find((f) => f.file === 'seed-000-cloud-b-gets-cloud-a-answer.json')!;
    const renumbered: CheckInput = {
      target: fx.input.target,
      evidence: fx.input.evidence.map((e, i) => ({ ...e, id: `x${100 + i}`, at: '2030-01-01T00:00:00.000Z', ms: 99 })),
    };
    const a = runChecks(fx.input).find((f) => f.checkId === 'upstream-split-horizon')!;
    const b = runChecks(renumbered).find((f) => f.checkId === 'upstream-split-horizon')!;
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.evidenceRefs).not.toEqual(a.evidenceRefs);
  });
});
