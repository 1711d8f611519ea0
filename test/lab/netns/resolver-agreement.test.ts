/**
 * The CI share of the resolver agreement (docs/resolver-agreement.md): real glibc and real musl in
 * a network namespace of their own against a logging server, compared query by query with dnswhy's
 * model of each. Fails when a case the committed table marks as agreeing disagrees now. Needs root
 * or a user namespace: where neither works vitest leaves this file out and says why
 * (test/netns-suite.ts); with DNSWHY_NETNS_REQUIRED=1 it runs and fails.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../../../src/lab/agreement/cases.js';
import { assertNetnsAvailable } from './require-netns.js';

const root = join(import.meta.dirname, '../../..');

describe('resolver agreement, CI share (real glibc and musl)', () => {
  beforeAll(assertNetnsAvailable);

  it('the CI share checks cases the table marks as agreeing, for both libcs', () => {
    const table = JSON.parse(readFileSync(join(root, 'docs/resolver-agreement.json'), 'utf8')) as { cases: Record<string, { glibc: boolean; musl: boolean }> };
    const share = cases.filter((k) => k.ci);
    expect(share.length).toBeGreaterThanOrEqual(6);
    // A share that checks nothing could not fail: most of it must be marked as agreeing.
    expect(share.filter((k) => table.cases[k.id]?.glibc && table.cases[k.id]?.musl).length).toBeGreaterThanOrEqual(share.length - 2);
  });

  it('model and libc still agree on every CI case the table marks as agreeing', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/lab/agreement/write-table.ts'), '--ci', '--check'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout, r.stderr).toMatch(/(\d+) of \1 checked case runs as the table says/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 130_000);
});
