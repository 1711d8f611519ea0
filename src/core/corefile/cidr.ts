/**
 * Reverse-zone expansion of CIDR server block keys and fallthrough/zone arguments, a port of CoreDNS
 * `plugin/pkg/cidr` + `net.ParseCIDR` (docs/coredns-semantics.md, "Server block keys"): host bits masked, prefixes off an
 * octet (v4) or nibble (v6) boundary rounded up and split into one zone per piece.
 */

/** A parsed network: address bytes (4 or 16) already masked, and the prefix length. */
export interface IpNet {
  bytes: number[];
  prefix: number;
}

/** Go netip.ParseAddr for IPv4 (strict dotted quad, no leading zeros). */
export function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Go netip.ParseAddr for IPv6 (with `::` and an embedded IPv4 tail; no zone). */
export function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%')) return undefined;
  let head = s;
  let v4tail: number[] | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon !== -1 && s.slice(lastColon + 1).includes('.')) {
    v4tail = parseIPv4(s.slice(lastColon + 1));
    if (!v4tail) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl !== -1 && head.indexOf('::', dbl + 1) !== -1) return undefined;
  const parseGroups = (t: string): number[] | undefined => {
    if (t === '') return [];
    const gs = t.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl === -1) {
    const g = parseGroups(head);
    if (!g || g.length !== 8) return undefined;
    groups = g;
  } else {
    const a = parseGroups(head.slice(0, dbl));
    const b = parseGroups(head.slice(dbl + 2));
    if (!a || !b || a.length + b.length > 7) return undefined;
    groups = [...a, ...new Array(8 - a.length - b.length).fill(0), ...b];
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  if (v4tail) bytes.splice(12, 4, ...v4tail);
  return bytes;
}

/** An IP address (v4 or v6) as bytes, or undefined. */
export function parseIp(s: string): number[] | undefined {
  return s.includes(':') ? parseIPv6(s) : parseIPv4(s);
}

/** Go net.ParseCIDR: `addr/len`, host bits masked. undefined when it does not parse. */
export function parseCidr(s: string): IpNet | undefined {
  const slash = s.indexOf('/');
  if (slash === -1) return undefined;
  const bytes = parseIp(s.slice(0, slash));
  const mask = s.slice(slash + 1);
  if (!bytes || !/^\d+$/.test(mask) || mask.length > 3) return undefined;
  const prefix = Number(mask);
  if (prefix > bytes.length * 8) return undefined;
  return { bytes: maskBytes(bytes, prefix), prefix };
}

function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

/** The reverse zones a CIDR covers, in CoreDNS's order (`cidr.Split` then `cidr.Reverse`). */
export function reverseZones(net: IpNet): string[] {
  const v6 = net.bytes.length === 16;
  const boundary = v6 ? 4 : 8;
  const total = net.bytes.length * 8;
  if (net.prefix % boundary === 0) return [reverseOf(net.bytes, total - net.prefix, v6)];
  const newPrefix = Math.ceil(net.prefix / boundary) * boundary;
  const count = 2 ** (newPrefix - net.prefix);
  const zones: string[] = [];
  let cur = net.bytes.slice();
  for (let i = 0; i < count; i++) {
    zones.push(reverseOf(cur, total - newPrefix, v6));
    cur = addAtPrefix(cur, newPrefix);
  }
  return zones;
}

/** Adds one at bit position `prefix` (the next subnet of that size). */
function addAtPrefix(bytes: number[], prefix: number): number[] {
  const out = bytes.slice();
  let bit = prefix - 1;
  let carry = 1;
  while (carry && bit >= 0) {
    const byte = bit >> 3;
    const shift = 7 - (bit & 7);
    const cur = (out[byte] >> shift) & 1;
    const sum = cur + carry;
    out[byte] = (out[byte] & ~(1 << shift)) | ((sum & 1) << shift);
    carry = sum >> 1;
    bit--;
  }
  return out;
}

/** dns.ReverseAddr of the address, with the labels of the host part dropped. */
function reverseOf(bytes: number[], hostBits: number, v6: boolean): string {
  if (!v6) {
    const labels = bytes.slice().reverse().map(String);
    return [...labels.slice(hostBits / 8), 'in-addr', 'arpa'].join('.') + '.';
  }
  const nibbles: string[] = [];
  for (const b of bytes) nibbles.push((b >> 4).toString(16), (b & 15).toString(16));
  const labels = nibbles.reverse();
  return [...labels.slice(hostBits / 4), 'ip6', 'arpa'].join('.') + '.';
}
