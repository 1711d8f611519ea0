/** Parsers on real tool output: dig 9.18 captured against unbound, busybox nslookup and dig +yaml samples captured on a real machine. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDig, parseGetent, parseNslookup } from '../../../src/probes/tools/index.js';

const fixture = (f: string) => readFileSync(join(import.meta.dirname, 'fixtures', f), 'utf8');
const busybox = Object.fromEntries(
  fixture('busybox-nslookup.txt')
    .split(/^==== /m)
    .filter(Boolean)
    .map((block) => {
      const [head, ...rest] = block.split('\n');
      return [head!.split(' ')[0]!, rest.join('\n')];
    }),
);

describe('parseDig (real dig 9.18 output)', () => {
  it('NOERROR with one A record', () => {
    expect(parseDig(fixture('dig-noerror.txt'))).toEqual({ addresses: ['10.30.0.5'], rcode: 'NOERROR', server: '127.0.0.1' });
  });
  it('NXDOMAIN with the SOA in authority', () => {
    expect(parseDig(fixture('dig-nxdomain.txt'))).toEqual({ addresses: [], rcode: 'NXDOMAIN', server: '127.0.0.1' });
  });
  it('REFUSED', () => {
    expect(parseDig(fixture('dig-refused.txt'))).toMatchObject({ addresses: [], rcode: 'REFUSED' });
  });
  it('several A records; a CNAME-only answer over TCP has no addresses', () => {
    expect(parseDig(fixture('dig-multi.txt')).addresses).toEqual(['10.30.0.6', '10.30.0.7']);
    expect(parseDig(fixture('dig-cname-tcp.txt'))).toEqual({ addresses: [], rcode: 'NOERROR', server: '127.0.0.1' });
  });
  it('+short', () => {
    expect(parseDig(fixture('dig-short-multi.txt'))).toEqual({ addresses: ['10.30.0.6', '10.30.0.7'] });
  });
  it('no reply: timed out vs connection refused', () => {
    expect(parseDig(fixture('dig-timeout.txt'))).toEqual({ addresses: [], timedOut: true, server: '127.0.0.1' });
    expect(parseDig(fixture('dig-connrefused.txt'))).toEqual({ addresses: [], timedOut: false, server: '127.0.0.1' });
  });
  it('+yaml message and DIG_ERROR', () => {
    expect(parseDig(fixture('dig-yaml-noerror.txt'))).toEqual({ addresses: ['10.30.0.5'], rcode: 'NOERROR', server: '127.0.1.20' });
    expect(parseDig(fixture('dig-yaml-error.txt'))).toEqual({ addresses: [], timedOut: true });
  });
});

describe('parseNslookup (busybox 1.35 samples)', () => {
  it('success', () => {
    expect(parseNslookup(busybox.success!)).toEqual({ addresses: ['10.30.0.5'], rcode: 'NOERROR', server: '127.0.1.20' });
  });
  it('NXDOMAIN for A and AAAA', () => {
    expect(parseNslookup(busybox.nxdomain!)).toEqual({ addresses: [], rcode: 'NXDOMAIN', server: '127.0.1.30' });
  });
  it('timeout and closed port', () => {
    expect(parseNslookup(busybox.timeout!)).toEqual({ addresses: [], timedOut: true });
    expect(parseNslookup(busybox.closed!)).toEqual({ addresses: [], timedOut: true });
  });
  it('mixed: the A answer wins over the AAAA NXDOMAIN', () => {
    expect(parseNslookup(busybox.mixed!)).toEqual({ addresses: ['10.30.0.6'], rcode: 'NOERROR' });
  });
});

describe('parseGetent', () => {
  it('ahosts and hosts lines; exit 2 means nothing', () => {
    const ahosts = '10.96.0.20      STREAM api.default.svc.cluster.local\n10.96.0.20      DGRAM  \n10.96.0.20      RAW    \n';
    expect(parseGetent(ahosts, 0)).toEqual({ addresses: ['10.96.0.20'] });
    expect(parseGetent('fd00::5         v6.corp.example\n', 0)).toEqual({ addresses: ['fd00::5'] });
    expect(parseGetent('', 2)).toEqual({ addresses: [] });
  });
  it('real getent from this machine (files backend)', () => {
    const out = execFileSync('getent', ['ahosts', 'localhost'], { encoding: 'utf8' });
    expect(parseGetent(out, 0).addresses).toContain('127.0.0.1');
  });
});
