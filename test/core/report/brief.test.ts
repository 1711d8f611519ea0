/**
 * The brief's parts on their own: the recommendation rule, the stop-gap line, the short cause of a
 * finding without one, a new server block shown whole with its place, and re-proving after a change.
 */
import { describe, expect, it } from 'vitest';
import type { AdviceFix, CorefilePatchFix, Finding, WorkloadPatchFix } from '../../../src/core/model/index.js';
import { causeText } from '../../../src/core/report/brief.js';
import { changeView, insertedServerBlock } from '../../../src/core/report/change-view.js';
import { chooseFix } from '../../../src/core/report/fix-choice.js';
import { reproveFix } from '../../../src/core/report/reprove.js';

const sim = { failing: { name: 'a.example.', type: 'A' as const, client: '10.0.0.1', before: 'x', after: 'y', changed: true }, controls: [], proof: 'p' };
function corefile(title: string, over: Partial<CorefilePatchFix> = {}): CorefilePatchFix {
  return { kind: 'corefile-patch', title, blastRadius: 'b', risk: 'medium', target: { namespace: 'kube-system', name: 'coredns', key: 'Corefile', resourceVersion: '10' }, before: 'a', after: 'b', diff: `diff ${title}`, changes: 'c', simulation: sim, needsRestart: false, ...over };
}
function workload(title: string, over: Partial<WorkloadPatchFix> = {}): WorkloadPatchFix {
  return { kind: 'workload-patch', title, blastRadius: 'b', risk: 'medium', target: { kind: 'Deployment', namespace: 'ns', name: 'web', resourceVersion: '5' }, patch: {}, diff: `diff ${title}`, changes: 'c', ...over };
}
const advice = (title: string, over: Partial<AdviceFix> = {}): AdviceFix => ({ kind: 'advice', title, blastRadius: 'b', risk: 'low', steps: ['do it'], ...over });

describe('chooseFix', () => {
  it('prefers a fix that can be applied, then lower risk, then fewer pods, then durable, then the check order', () => {
    expect(chooseFix([advice('a'), corefile('c', { risk: 'high' })]).recommended).toBe(1);
    expect(chooseFix([corefile('c', { risk: 'medium' }), workload('w', { risk: 'low' })]).recommended).toBe(1);
    expect(chooseFix([corefile('zone', { scope: 'zone' }), workload('w')]).recommended).toBe(1);
    expect(chooseFix([corefile('cluster'), corefile('zone', { scope: 'zone' })]).recommended).toBe(1);
    expect(chooseFix([workload('pin', { durability: 'stop-gap' }), workload('ndots')]).recommended).toBe(1);
    expect(chooseFix([workload('first'), workload('second')])).toMatchObject({ recommended: 0, alternatives: [1] });
    expect(chooseFix([])).toEqual({ alternatives: [] });
  });

  it('says in one line when the proven fixes are stop-gaps and the durable fix is advice', () => {
    const c = chooseFix([corefile('view', { scope: 'zone', durability: 'stop-gap' }), workload('pin', { durability: 'stop-gap' }), advice('Run CoreDNS per zone', { durability: 'durable' })]);
    expect(c.stopGap).toBe("All 2 proven fixes are stop-gaps: they pin today's addresses, which go stale when they change. The durable fix is advice: Run CoreDNS per zone.");
    expect(chooseFix([workload('pin', { durability: 'stop-gap' }), advice('x')]).stopGap).toBeUndefined();
    expect(chooseFix([workload('ndots'), advice('x', { durability: 'durable' })]).stopGap).toBeUndefined();
  });
});

describe('causeText', () => {
  const f = (explanation: string, cause?: string) => ({ explanation, ...(cause ? { cause } : {}) }) as Finding;
  it('uses the short cause when the check wrote one, else at most three sentences of the explanation', () => {
    expect(causeText(f('Long. Text.', 'Short cause.'))).toBe('Short cause.');
    expect(causeText(f('One 10.0.0.1. Two is here. Three (x). Four is dropped.'))).toBe('One 10.0.0.1. Two is here. Three (x).');
    const long = causeText(f(`${'word '.repeat(200)}end.`));
    expect(long.length).toBeLessThanOrEqual(420);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('changeView', () => {
  const before = '.:53 {\n    errors\n    forward . /etc/resolv.conf\n}\n';
  it('shows an inserted server block whole, with where it goes', () => {
    const copy = '.:53 {\n    view zone-b {\n        expr incidr(client_ip(), \'10.1.0.0/24\')\n    }\n    errors\n    hosts {\n        10.2.0.1 s3.example\n        fallthrough\n    }\n    forward . /etc/resolv.conf\n}\n\n';
    expect(insertedServerBlock(before, copy + before)).toEqual({ block: copy.trim(), where: 'insert it before server block `.:53` (line 1), which stays as it is' });
    const tail = `${before}\nexample.com:53 {\n    forward . 10.0.0.2\n}\n`;
    expect(insertedServerBlock(before, tail)?.where).toBe('append it after server block `.:53` (line 1), at the end of the Corefile');
    expect(changeView(corefile('t', { before, after: copy + before })).kind).toBe('new-block');
  });

  it('keeps the diff for any other edit', () => {
    expect(insertedServerBlock(before, before.replace('errors', 'errors\n    cache 30'))).toBeUndefined();
    expect(insertedServerBlock(before, before.replace('/etc/resolv.conf', '10.0.0.2'))).toBeUndefined();
    expect(changeView(workload('w')).kind).toBe('diff');
  });
});

describe('reproveFix', () => {
  const original = { checkId: 'c', messageId: 'm', fingerprint: 'fp1' };
  const rerun = (fixes: CorefilePatchFix[], severity: Finding['severity'] = 'error') => [{ checkId: 'c', messageId: 'm', fingerprint: 'fp2', severity, fixes }];
  it('tells a gone cause, the same change, a changed one, and a fix no longer offered apart', () => {
    const fix = corefile('forward x');
    expect(reproveFix(original, fix, [])).toEqual({ kind: 'cause-gone' });
    expect(reproveFix(original, fix, rerun([fix], 'info'))).toEqual({ kind: 'cause-gone' });
    expect(reproveFix(original, fix, rerun([fix]))).toMatchObject({ kind: 'same' });
    const moved = corefile('forward x', { target: { ...fix.target, resourceVersion: '11' }, diff: 'new diff' });
    expect(reproveFix(original, fix, rerun([moved]))).toEqual({ kind: 'changed', fix: moved });
    expect(reproveFix(original, fix, rerun([corefile('other 1'), corefile('other 2')]))).toEqual({ kind: 'no-such-fix' });
  });
});
