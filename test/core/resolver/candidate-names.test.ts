import { describe, expect, it } from 'vitest';
import { candidateNames } from '../../../src/core/resolver/candidate-names.js';
import { parseResolvConf } from '../../../src/core/resolver/resolv-conf.js';

// The resolv.conf the measurements with real getent and busybox were made with.
const conf = (ndots: number) => parseResolvConf(`search ns.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:${ndots}\n`);

describe('candidateNames', () => {
  it('glibc, ndots:5, s3.example.com: the search list first, then as-is (measured)', () => {
    expect(candidateNames('s3.example.com', conf(5), 'glibc')).toEqual([
      's3.example.com.ns.svc.cluster.local.',
      's3.example.com.svc.cluster.local.',
      's3.example.com.cluster.local.',
      's3.example.com.',
    ]);
  });

  it('glibc, ndots:1: as-is first, then the search list', () => {
    expect(candidateNames('s3.example.com', conf(1), 'glibc')[0]).toBe('s3.example.com.');
    expect(candidateNames('s3.example.com', conf(1), 'glibc')).toHaveLength(4);
  });

  it('a trailing dot means only the name itself, for every flavour', () => {
    for (const f of ['glibc', 'musl', 'busybox'] as const) expect(candidateNames('s3.example.com.', conf(5), f)).toEqual(['s3.example.com.']);
  });

  it('musl: dots ≥ ndots → only as-is; otherwise the search list then as-is', () => {
    expect(candidateNames('s3.example.com', conf(2), 'musl')).toEqual(['s3.example.com.']);
    expect(candidateNames('api', conf(5), 'musl')).toEqual(['api.ns.svc.cluster.local.', 'api.svc.cluster.local.', 'api.cluster.local.', 'api.']);
  });

  it('busybox nslookup: a dotted name only as-is even below ndots; a single label with each suffix, never bare (measured)', () => {
    expect(candidateNames('s3.example.com', conf(5), 'busybox')).toEqual(['s3.example.com.']);
    expect(candidateNames('kubernetes', conf(5), 'busybox')).toEqual(['kubernetes.ns.svc.cluster.local.', 'kubernetes.svc.cluster.local.', 'kubernetes.cluster.local.']);
  });

  it('without a search list a single label is sent as-is', () => {
    const c = parseResolvConf('nameserver 10.0.0.1\n');
    expect(candidateNames('intranet', c, 'glibc')).toEqual(['intranet.']);
    expect(candidateNames('intranet', c, 'busybox')).toEqual(['intranet.']);
  });

  it('skips suffixes that would make the name longer than 253 characters', () => {
    const c = parseResolvConf(`search ${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.example short.example\noptions ndots:5\n`);
    const name = `${'n'.repeat(63)}.x`;
    expect(candidateNames(name, c, 'glibc')).toEqual([`${name}.short.example.`, `${name}.`]);
  });
});
