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

/** The 32-bit value of a strict IPv4 dotted quad, or undefined. */
export function ipv4Value(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}

/** First and last address of an IPv4 CIDR as 32-bit values, or undefined (IPv6 or malformed). */
export function ipv4Range(cidr: string): { first: number; last: number } | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const addr = ipv4Value(cidr.slice(0, slash));
  const bitsText = cidr.slice(slash + 1);
  if (addr === undefined || !/^\d{1,2}$/.test(bitsText) || Number(bitsText) > 32) return undefined;
  const size = 2 ** (32 - Number(bitsText));
  const first = addr - (addr % size);
  return { first, last: first + size - 1 };
}

/**
 * Which of many IPv4 CIDRs holds an address, in O(log n) per lookup (sorted ranges, binary search).
 * Built once from CIDRs that do not overlap (nodes' pod CIDRs); with overlapping ones the first in
 * input order that holds the address wins, as a scan would say, at the cost of a scan.
 */
export class CidrIndex<T> {
  private readonly starts: number[] = [];
  private readonly ranges: { first: number; last: number; value: T; order: number }[] = [];
  private readonly overlapping: boolean;
  private readonly others: { cidr: string; value: T; order: number }[] = [];

  constructor(entries: Iterable<{ cidr: string; value: T }>) {
    let order = 0;
    for (const e of entries) {
      const r = ipv4Range(e.cidr);
      if (r) this.ranges.push({ ...r, value: e.value, order: order++ });
      else this.others.push({ ...e, order: order++ });
    }
    this.ranges.sort((a, b) => a.first - b.first || a.order - b.order);
    for (const r of this.ranges) this.starts.push(r.first);
    this.overlapping = this.ranges.some((r, i) => i > 0 && r.first <= this.ranges[i - 1]!.last);
  }

  /** The value of the CIDR holding `ip`, or undefined. */
  find(ip: string): T | undefined {
    const v = ipv4Value(ip);
    if (v === undefined) {
      // IPv6 (or malformed): the few CIDRs that are not IPv4, in input order.
      return this.others.find((o) => cidrContains(o.cidr, ip))?.value;
    }
    if (this.overlapping) {
      let best: { value: T; order: number } | undefined;
      for (const r of this.ranges) if (v >= r.first && v <= r.last && (!best || r.order < best.order)) best = r;
      return best?.value;
    }
    // Last range starting at or before v.
    let lo = 0;
    let hi = this.starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= v) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const r = at >= 0 ? this.ranges[at]! : undefined;
    return r && v <= r.last ? r.value : undefined;
  }
}

/**
 * Pairs of CIDRs that overlap (for CIDRs: one contains the other), found by sorting the IPv4 ones
 * by first address (O(n log n)); IPv6 ones are compared pairwise among themselves. Each pair is
 * reported once as [earlier index, later index].
 */
export function overlappingCidrs(cidrs: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  const v4 = cidrs
    .map((c, i) => ({ r: ipv4Range(c), i }))
    .filter((x): x is { r: { first: number; last: number }; i: number } => x.r !== undefined)
    .sort((a, b) => a.r.first - b.r.first || b.r.last - a.r.last);
  // Ranges that may still contain later ones: a stack of nested ranges (CIDRs nest or are disjoint).
  const open: { r: { first: number; last: number }; i: number }[] = [];
  for (const x of v4) {
    while (open.length > 0 && open[open.length - 1]!.r.last < x.r.first) open.pop();
    for (const o of open) out.push(o.i < x.i ? [o.i, x.i] : [x.i, o.i]);
    open.push(x);
  }
  const v6 = cidrs.map((c, i) => ({ c, i })).filter((x) => ipv4Range(x.c) === undefined && isCidr(x.c));
  for (const [k, a] of v6.entries()) {
    for (const b of v6.slice(k + 1)) {
      if (cidrContains(a.c, b.c.split('/')[0]!) || cidrContains(b.c, a.c.split('/')[0]!)) out.push([a.i, b.i]);
    }
  }
  return out.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}
