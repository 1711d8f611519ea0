/**
 * upstream-failure names a forward that a previous one for the same zone shadows (a coredns-custom
 * forward.override imported after the stock forward), so an override that changes nothing is not taken
 * for a fix; a Corefile with one forward says nothing of the kind.
 */
import { describe, expect, it } from 'vitest';
import { runChecksDetailed } from '../../src/checks/run-checks.js';
import { loadFixtures } from './load-fixtures.js';

const explanation = (file: string, check: string, kind: 'raise' | 'clean' = 'raise'): string => {
  const fx = loadFixtures(check, kind).find((x) => x.file === file)!;
  return runChecksDetailed(fx.input).findings.find((x) => x.checkId === 'upstream-failure')?.explanation ?? '';
};

describe('upstream-failure and a shadowed forward', () => {
  it('names the imported forward . 1.1.1.1 that the stock forward shadows, with its file and line', () => {
    const text = explanation('forward-override-shadowed-by-stock-forward.json', 'upstream-failure');
    expect(text).toContain('forward . 1.1.1.1 (line 1 of /etc/coredns/custom/forward.override) never sees xpkg.registry.example');
  });

  it('says nothing of a shadowed forward when the block has one forward', () => {
    const text = explanation('every-upstream-times-out.json', 'upstream-failure');
    expect(text).toMatch(/None of them answers/);
    expect(text).not.toContain('never sees');
  });
});
