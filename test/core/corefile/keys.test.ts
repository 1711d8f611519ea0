import { describe, expect, it } from 'vitest';
import { normalizeKey, normalizeZoneArg } from '../../../src/core/corefile/keys.js';
import { parseCorefile } from '../../../src/core/corefile/parse.js';

const zones = (key: string) => {
  const r = normalizeKey(key);
  if ('error' in r) throw new Error(r.error);
  return r.addresses.map((a) => `${a.transport}://${a.zone}:${a.port}`);
};
const keyError = (key: string) => {
  const r = normalizeKey(key);
  return 'error' in r ? r.error : undefined;
};

describe('server block keys (docs/coredns-semantics.md)', () => {
  it.each([
    ['example.org', 'dns://example.org.:53'],
    ['dns://example.org', 'dns://example.org.:53'],
    ['tls://example.org', 'tls://example.org.:853'],
    ['quic://example.org', 'quic://example.org.:853'],
    ['grpc://example.org', 'grpc://example.org.:443'],
    ['https://example.org', 'https://example.org.:443'],
    ['https3://example.org', 'https3://example.org.:443'],
    ['.:1053', 'dns://.:1053'],
    ['Example.ORG.:053', 'dns://example.org.:53'],
    ['example.org:abc', 'dns://example.org:abc.:53'],
    ['DNS://example.org', 'dns://dns://example.org.:53'],
    ['10.0.0.1', 'dns://10.0.0.1.:53'],
    ['_x.*.org', 'dns://_x.*.org.:53'],
  ])('%s → %s', (key, want) => {
    expect(zones(key)).toEqual([want]);
  });

  it.each([
    ['.:', 'expecting data after last colon: ".:"'],
    [':53', 'zone is not a valid domain name: '],
    ['a..b', 'zone is not a valid domain name: a..b'],
    ['.a', 'zone is not a valid domain name: .a'],
    [`${'a'.repeat(64)}.org`, `zone is not a valid domain name: ${'a'.repeat(64)}.org`],
    [`${'a.'.repeat(128)}b`, 'specified zone is too long: 257 > 255'],
    ['::/0', 'invalid CIDR ::/0'],
    ['0::/16', 'invalid CIDR 0::/16'],
  ])('%s is refused: %s', (key, message) => {
    expect(keyError(key)).toBe(message);
  });

  it('accepts 63-byte labels and zones up to 255 bytes with the root dot', () => {
    expect(keyError(`${'a'.repeat(63)}.org`)).toBeUndefined();
    const z255 = [1, 2, 3, 4].map(() => 'a'.repeat(63)).join('.');
    expect(z255).toHaveLength(255);
    // CoreDNS re-checks the FQDN, so 255 characters plus the root dot is one too many
    expect(keyError(z255)).toBe('specified zone is too long: 256 > 255');
    expect(keyError(`${z255}.`)).toBe('specified zone is too long: 256 > 255');
    expect(keyError(z255.slice(1))).toBeUndefined();
  });

  it.each([
    ['10.0.0.0/8', ['10.in-addr.arpa.']],
    ['10.1.2.3/8', ['10.in-addr.arpa.']],
    ['10.0.0.0/15', ['0.10.in-addr.arpa.', '1.10.in-addr.arpa.']],
    ['0.0.0.0/0', ['in-addr.arpa.']],
    ['192.168.1.0/24', ['1.168.192.in-addr.arpa.']],
    ['2001:db8::/30', ['8.b.d.0.1.0.0.2.ip6.arpa.', '9.b.d.0.1.0.0.2.ip6.arpa.', 'a.b.d.0.1.0.0.2.ip6.arpa.', 'b.b.d.0.1.0.0.2.ip6.arpa.']],
    ['2001:db8::/32', ['8.b.d.0.1.0.0.2.ip6.arpa.']],
  ])('reverse CIDR %s expands to %j', (key, want) => {
    const r = normalizeKey(key);
    expect('addresses' in r && r.addresses.map((a) => a.zone)).toEqual(want);
    expect('addresses' in r && r.addresses.every((a) => a.fromCidr !== undefined)).toBe(true);
  });

  it('rounds /18 up to 64 zones and /27 to 32 single-address zones', () => {
    const a = zones('10.9.3.0/18');
    expect(a).toHaveLength(64);
    expect([a[0], a[63]]).toEqual(['dns://0.9.10.in-addr.arpa.:53', 'dns://63.9.10.in-addr.arpa.:53']);
    const b = zones('10.0.0.0/27:1053');
    expect(b).toHaveLength(32);
    expect([b[0], b[31]]).toEqual(['dns://0.0.0.10.in-addr.arpa.:1053', 'dns://31.0.0.10.in-addr.arpa.:1053']);
  });

  it('normalises plugin zone arguments like Host.NormalizeExact', () => {
    expect(normalizeZoneArg('dns://Example.org:53')).toEqual(['example.org.']);
    expect(normalizeZoneArg('10.0.0.0/15')).toEqual(['0.10.in-addr.arpa.', '1.10.in-addr.arpa.']);
    expect(normalizeZoneArg('a..b')).toEqual([]);
  });
});

describe('duplicate listeners', () => {
  const errs = (t: string) => parseCorefile(t).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  it('refuses the same zone, port and transport twice, in any spelling', () => {
    expect(errs('example.org Example.ORG. {\n}')).toEqual(['cannot serve dns://example.org.:53 - it is already defined']);
    expect(errs('dns://x {\n}\nx:53 {\n}')).toEqual(['cannot serve dns://x.:53 - it is already defined']);
    expect(errs('10.0.0.0/8 {\n}\n10.in-addr.arpa {\n}')).toEqual(['cannot serve dns://10.in-addr.arpa.:53 - it is already defined']);
  });
  it('allows the same zone on other ports and transports', () => {
    expect(errs('x {\n}\nx:54 {\n}\ntls://x {\n}')).toEqual([]);
  });
  it('lets view blocks share a zone and port', () => {
    expect(errs('. {\n view a {\n  expr true\n }\n whoami\n}\n. {\n whoami\n}')).toEqual([]);
    expect(errs('. {\n view a {\n  expr true\n }\n}\n. {\n view b {\n  expr true\n }\n}')).toEqual([]);
  });
  it('reports bound/unbound overlap', () => {
    expect(errs('. {\n bind 127.0.0.1\n}\n. {\n}')).toEqual([
      'cannot serve dns://.:53 - zone overlap listener capacity with dns://.:53 on 127.0.0.1',
    ]);
    expect(errs('. {\n bind 127.0.0.1\n}\n. {\n bind 127.0.0.2\n}')).toEqual([]);
  });
});
