/** IP and CIDR helpers for scenario validation and the lab (strict dotted-quad IPv4, or IPv6). */
import ipaddr from 'ipaddr.js';

/** True for a strict IPv4 dotted quad or an IPv6 address. */
export function isIp(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

export function isIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** True for `a.b.c.d/n` (n 0..32) or an IPv6 CIDR. */
export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  return isIp(text.slice(0, slash)) && ipaddr.isValidCIDR(text);
}

/** True when `ip` lies in `cidr` (same family only). */
export function cidrContains(cidr: string, ip: string): boolean {
  if (!isCidr(cidr) || !isIp(ip)) return false;
  const [net, bits] = ipaddr.parseCIDR(cidr);
  const addr = ipaddr.parse(ip);
  if (addr.kind() !== net.kind()) return false;
  return (addr as ipaddr.IPv4).match([net as ipaddr.IPv4, bits]);
}

/** The n-th host address of a CIDR (n = 1 is the first usable address), or undefined past its end. */
export function nthAddress(cidr: string, n: number): string | undefined {
  const [net, bits] = ipaddr.parseCIDR(cidr);
  if (net.kind() !== 'ipv4') return undefined;
  const size = 2 ** (32 - bits);
  if (n <= 0 || n >= size - 1) return undefined;
  const base = ipaddr.IPv4.networkAddressFromCIDR(cidr).toByteArray();
  const value = ((base[0]! << 24) >>> 0) + (base[1]! << 16) + (base[2]! << 8) + base[3]! + n;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
