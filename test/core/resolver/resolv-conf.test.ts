import { describe, expect, it } from 'vitest';
import { effectiveOptions, parseResolvConf, resolvConfAsDnsConfig, usableNameservers, usableSearch } from '../../../src/core/resolver/resolv-conf.js';

const k8s = `search default.svc.cluster.local svc.cluster.local cluster.local
nameserver 10.96.0.10
options ndots:5
`;

describe('parseResolvConf', () => {
  it('reads a kubelet-generated file', () => {
    const c = parseResolvConf(k8s);
    expect(c.nameservers).toEqual(['10.96.0.10']);
    expect(c.search).toEqual(['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
    expect(c.options).toMatchObject({ ndots: 5, timeout: 5, attempts: 2, rotate: false });
    expect(c.warnings).toEqual([]);
  });

  it('skips # and ; comments and blank lines, accumulates options lines, reads every flag', () => {
    const c = parseResolvConf(`# generated\n; also a comment\n\nnameserver 10.0.0.1\noptions timeout:1 attempts:3\noptions rotate single-request single-request-reopen use-vc edns0 trust-ad ndots:2\n`);
    expect(c.options).toEqual({ ndots: 2, timeout: 1, attempts: 3, rotate: true, singleRequest: true, singleRequestReopen: true, useVc: true, edns0: true, trustAd: true });
  });

  it('lets the last search or domain line win', () => {
    expect(parseResolvConf('domain corp.example\nsearch a.example b.example\n').search).toEqual(['a.example', 'b.example']);
    expect(parseResolvConf('search a.example b.example\ndomain corp.example\n').search).toEqual(['corp.example']);
    expect(parseResolvConf('search a.example.\n').search).toEqual(['a.example']);
  });

  it('keeps every nameserver but libc uses three; with none it uses 127.0.0.1', () => {
    const c = parseResolvConf('nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n');
    expect(c.nameservers).toHaveLength(4);
    expect(usableNameservers(c)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(c.warnings[0]).toMatch(/4 nameservers.*first 3/);
    expect(usableNameservers(parseResolvConf(''))).toEqual(['127.0.0.1']);
  });

  it('names what it did not understand, with the line number', () => {
    const c = parseResolvConf('nameserver\nnameserver not-an-ip\nbogus x\noptions ndots:x frobnicate\n');
    expect(c.nameservers).toEqual([]);
    expect(c.warnings).toEqual([
      'line 1: nameserver without an address',
      'line 2: nameserver "not-an-ip" is not an IP address',
      'line 3: unknown keyword "bogus"',
      'line 4: option ndots needs a number, got "x"',
      'line 4: unknown option "frobnicate"',
    ]);
  });

  it('caps values the way each libc does', () => {
    const c = parseResolvConf('options ndots:30 timeout:45 attempts:8\n');
    expect(c.options.ndots).toBe(15);
    expect(effectiveOptions(c, 'glibc')).toMatchObject({ ndots: 15, timeout: 30, attempts: 5 });
    expect(effectiveOptions(c, 'musl')).toMatchObject({ ndots: 15, timeout: 45, attempts: 8 });
    expect(effectiveOptions(parseResolvConf('options rotate single-request\n'), 'musl')).toMatchObject({ rotate: false, singleRequest: false });
  });

  it('musl keeps only the search entries that fit in 256 characters; glibc ≥ 2.26 keeps all', () => {
    const long = Array.from({ length: 10 }, (_, i) => `${'x'.repeat(40)}${i}.example`);
    const c = parseResolvConf(`search ${long.join(' ')}\n`);
    expect(usableSearch(c, 'glibc')).toHaveLength(10);
    const musl = usableSearch(c, 'musl');
    expect(musl.length).toBeLessThan(10);
    expect(musl.join(' ').length).toBeLessThan(256);
    expect(c.warnings[0]).toMatch(/search list has 10 entries .*glibc < 2\.26 keeps 6 entries/);
    expect(parseResolvConf('search a b c d e f\n').warnings).toEqual([]);
  });
});

describe('resolvConfAsDnsConfig (a twin in another namespace gets the same resolv.conf)', () => {
  it('copies nameservers, the search list and the options as written, the last value of an option winning', () => {
    const text = 'search mos.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5 timeout:2\noptions single-request-reopen ndots:3\n';
    expect(resolvConfAsDnsConfig(text)).toEqual({
      nameservers: ['10.96.0.10'],
      searches: ['mos.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
      options: [{ name: 'ndots', value: '3' }, { name: 'timeout', value: '2' }, { name: 'single-request-reopen' }],
    });
  });

  it('keeps the three nameservers libc uses, and gives nothing for a file without one (dnsPolicy None needs one)', () => {
    expect(resolvConfAsDnsConfig('nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n')?.nameservers).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(resolvConfAsDnsConfig('search a.example\n# nameserver 10.0.0.1\n')).toBeUndefined();
  });
});
