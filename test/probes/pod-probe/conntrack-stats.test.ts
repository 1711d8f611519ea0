/** Parsing the kernel's conntrack statistics: procfs's per-CPU hex table and `conntrack -S` lines. */
import { describe, expect, it } from 'vitest';
import { parseConntrackS, parseProcStat } from '../../../src/probes/pod-probe/conntrack-stats.js';

describe('conntrack statistics', () => {
  it('sums insert_failed and drop over the CPUs of /proc/net/stat/nf_conntrack (hex)', () => {
    const text = [
      'entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart',
      '00000010  00000000 00000000 00000000 00000003 00000000 00000000 00000000 00000000 0000000a 00000002 00000000 00000000  00000000 00000000 00000000 00000000',
      '00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001 00000010 00000000 00000000  00000000 00000000 00000000 00000000',
    ].join('\n');
    expect(parseProcStat(text)).toEqual({ insertFailed: 11, drop: 18 });
    expect(parseProcStat('entries found\n00000001 00000002')).toBeUndefined();
  });

  it('sums the per-CPU lines of conntrack -S', () => {
    const text = 'cpu=0   \tfound=0 invalid=3 insert=0 insert_failed=2 drop=5 early_drop=0 error=0 search_restart=0 clash_resolve=1 chaintoolong=0 \ncpu=1   \tfound=0 invalid=0 insert=0 insert_failed=1 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0 \n';
    expect(parseConntrackS(text)).toEqual({ insertFailed: 3, drop: 5 });
    expect(parseConntrackS('conntrack v1.4.7: command not supported')).toBeUndefined();
  });
});
