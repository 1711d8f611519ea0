/**
 * Runs every check fixture through the whole registry (our RuleTester): raise fixtures must produce
 * the expected findings (check id, severity, message id, fix kinds); clean fixtures must produce
 * nothing at warn or error from their own check; `absent` checks must not report at warn or error.
 */
import { describe, expect, it } from 'vitest';
import { runChecksDetailed } from '../../src/checks/run-checks.js';
import { checkFolders, loadFixtures, type Fixture } from './load-fixtures.js';

function summary(f: ReturnType<typeof runChecksDetailed>['findings']): string[] {
  return f.map((x) => `${x.checkId}/${x.messageId}:${x.severity} [${x.fixes.map((k) => k.kind).join(',')}]`);
}

function assertExpectations(fx: Fixture): void {
  const run = runChecksDetailed(fx.input);
  expect(run.notes.filter((n) => n.kind === 'threw').map((n) => n.text), 'no check may throw').toEqual([]);
  const got = run.findings;
  for (const e of fx.expect.findings) {
    const match = got.find((g) => g.checkId === e.checkId && g.severity === e.severity && (!e.messageId || g.messageId === e.messageId));
    expect(match, `expected ${e.checkId}${e.messageId ? `/${e.messageId}` : ''} at ${e.severity}; got ${summary(got).join('; ')}`).toBeDefined();
    for (const k of e.fixKinds ?? []) expect(match!.fixes.map((x) => x.kind), `${e.checkId} offers a ${k}`).toContain(k);
    expect(match!.explanation.length).toBeGreaterThan(40);
    expect(match!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  }
  for (const a of fx.expect.absent ?? []) {
    expect(got.filter((g) => g.checkId === a && g.severity !== 'info').map((g) => g.title), `${a} must not be reported`).toEqual([]);
  }
}

for (const check of checkFolders()) {
  describe(check, () => {
    for (const fx of loadFixtures(check, 'raise')) {
      it(`raise: ${fx.file}`, () => {
        expect(fx.expect.findings.some((e) => e.checkId === check), 'a raise fixture expects its own check').toBe(true);
        assertExpectations(fx);
      });
    }
    for (const fx of loadFixtures(check, 'clean')) {
      it(`clean: ${fx.file}`, () => {
        const got = runChecksDetailed(fx.input).findings.filter((g) => g.checkId === check && g.severity !== 'info');
        expect(got.map((g) => `${g.messageId}: ${g.explanation}`)).toEqual([]);
        assertExpectations(fx);
      });
    }
  });
}
