/** Reverse-zone expansion of a CIDR with CoreDNS's round-up-to-octet/nibble rule (plugin/pkg/cidr). */
import ipaddr from 'ipaddr.js';

/** Zones a CIDR stands for, or [] when it is not a CIDR. */
export function cidrToReverseZones(cidr: string): string[] {
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch {
    return [];
  }
  const [addr, len] = parsed;
  if (addr.kind() === 'ipv4') {
    const bytes = (addr as ipaddr.IPv4).octets.slice();
    const whole = Math.ceil(len / 8);
    const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
    const base = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) & mask;
    const count = 2 ** (whole * 8 - len);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const v = (base >>> 0) + i * 2 ** (32 - whole * 8);
      const oct = [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].slice(0, whole);
      out.push(oct.length ? `${oct.reverse().join('.')}.in-addr.arpa.` : 'in-addr.arpa.');
    }
    return out;
  }
  const hex = (addr as ipaddr.IPv6).toNormalizedString().split(':').map((g) => g.padStart(4, '0')).join('');
  const nibbles = Math.ceil(len / 4);
  const extra = nibbles * 4 - len;
  const out: string[] = [];
  const prefixBits = hex.split('').map((h) => parseInt(h, 16));
  for (let i = 0; i < 2 ** extra; i++) {
    const n = prefixBits.slice(0, nibbles);
    if (nibbles > 0) n[nibbles - 1] = (n[nibbles - 1]! & ~((1 << extra) - 1)) + i;
    out.push(n.length ? `${n.map((x) => x.toString(16)).reverse().join('.')}.ip6.arpa.` : 'ip6.arpa.');
  }
  return out;
}
