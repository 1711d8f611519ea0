import { describe, expect, it } from 'vitest';
import { AddressMap } from '../../../src/lab/net/address-map.js';

describe('AddressMap', () => {
  it('gives every cluster IP its own stable loopback address in its range', () => {
    const map = new AddressMap(42);
    const a = map.loopbackFor('10.96.0.10');
    const b = map.loopbackFor('10.245.1.33');
    expect(a).toMatch(/^127\.42\./);
    expect(b).not.toBe(a);
    expect(map.loopbackFor('10.96.0.10')).toBe(a);
    expect(map.clusterIpOf(b)).toBe('10.245.1.33');
  });

  it('dials served addresses at their bound port and unserved ones at a closed port', () => {
    const map = new AddressMap(42);
    map.registerServer('10.96.0.10', 53, 'udp', 40001);
    expect(map.dial('10.96.0.10', 53, 'udp')).toEqual({ host: map.loopbackFor('10.96.0.10'), port: 40001 });
    expect(map.dial('10.96.0.10', 53, 'tcp').port).toBe(1);
    expect(map.reverse(map.loopbackFor('10.96.0.10'), 40001)).toEqual({ ip: '10.96.0.10', port: 53 });
    map.unregisterServer('10.96.0.10', 53, 'udp');
    expect(map.isServed('10.96.0.10', 53, 'udp')).toBe(false);
  });

  it('rejects a range outside 127.1-254', () => {
    expect(() => new AddressMap(0)).toThrow(/second octet/);
  });
});
