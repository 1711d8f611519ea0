import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CidrIndex, cidrContains, ipv4Range, ipv4Value, overlappingCidrs } from '../../../src/lab/scenario/addresses.js';

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const cidr = fc.tuple(ipv4, fc.integer({ min: 8, max: 30 })).map(([ip, bits]) => `${ip}/${bits}`);

/** What the index and the overlap check must agree with: the plain scans they replace. */
const scanFind = (cidrs: string[], ip: string) => cidrs.findIndex((c) => cidrContains(c, ip));
const scanOverlaps = (cidrs: string[]) => {
  const out: [number, number][] = [];
  cidrs.forEach((a, i) => cidrs.forEach((b, j) => {
    if (j > i && (cidrContains(a, b.split('/')[0]!) || cidrContains(b, a.split('/')[0]!))) out.push([i, j]);
  }));
  return out.sort((x, y) => x[1] - y[1] || x[0] - y[0]);
};

describe('IPv4 ranges', () => {
  it('reads dotted quads strictly and CIDRs as their first and last address', () => {
    expect(ipv4Value('10.0.0.1')).toBe(167772161);
    expect(ipv4Value('10.0.0.256')).toBeUndefined();
    expect(ipv4Value('10.0.01.1')).toBeUndefined();
    expect(ipv4Value('::1')).toBeUndefined();
    expect(ipv4Range('10.244.1.77/24')).toEqual({ first: ipv4Value('10.244.1.0'), last: ipv4Value('10.244.1.255') });
    expect(ipv4Range('0.0.0.0/0')).toEqual({ first: 0, last: 2 ** 32 - 1 });
    expect(ipv4Range('10.0.0.0/33')).toBeUndefined();
    expect(ipv4Range('fd00::/64')).toBeUndefined();
  });

  it('CidrIndex finds the same CIDR as a scan, overlapping or not', () => {
    fc.assert(
      fc.property(fc.array(cidr, { minLength: 1, maxLength: 30 }), fc.array(ipv4, { minLength: 1, maxLength: 20 }), (cidrs, ips) => {
        const index = new CidrIndex(cidrs.map((c, i) => ({ cidr: c, value: i })));
        for (const ip of [...ips, ...cidrs.map((c) => c.split('/')[0]!)]) expect(index.find(ip) ?? -1).toBe(scanFind(cidrs, ip));
      }),
    );
  });

  it('CidrIndex answers IPv6 CIDRs by scanning them', () => {
    const index = new CidrIndex([{ cidr: '10.0.0.0/8', value: 'v4' }, { cidr: 'fd00::/64', value: 'v6' }]);
    expect(index.find('fd00::5')).toBe('v6');
    expect(index.find('10.1.2.3')).toBe('v4');
    expect(index.find('192.168.0.1')).toBeUndefined();
  });

  it('overlappingCidrs reports the pairs a pairwise check reports', () => {
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 25 }), (cidrs) => {
        expect(overlappingCidrs(cidrs)).toEqual(scanOverlaps(cidrs));
      }),
    );
    expect(overlappingCidrs(['10.244.0.0/24', 'fd00::/64', '10.244.0.0/16', 'fd00::/48'])).toEqual([[0, 2], [1, 3]]);
  });
});
