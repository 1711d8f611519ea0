/**
 * Small ports of the Go standard library functions CoreDNS plugins use to check their arguments
 * (time.ParseDuration, net.SplitHostPort, net.ParseIP/ParseCIDR, strconv, regexp.Compile), with
 * Go's error messages, so validators accept and refuse exactly what setup() does.
 */
import { parseCidr, parseIp } from '../cidr.js';

/** A Go-style error (its message is what CoreDNS would print). */
export class GoError extends Error {}

const units: Record<string, number> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};

/** time.ParseDuration: nanoseconds, or a GoError. */
export function parseDuration(s: string): number {
  const orig = s;
  const q = JSON.stringify(orig);
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new GoError(`time: invalid duration ${q}`);
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(\.(\d*))?/.exec(s)!;
    const intPart = m[1];
    const frac = m[3] ?? '';
    if (intPart === '' && frac === '') throw new GoError(`time: invalid duration ${q}`);
    if (m[2] !== undefined && intPart === '' && frac === '') throw new GoError(`time: invalid duration ${q}`);
    s = s.slice(m[0].length);
    const u = /^[^\d.]*/.exec(s)![0];
    if (u === '') throw new GoError(`time: missing unit in duration ${q}`);
    const unit = units[u];
    if (unit === undefined) throw new GoError(`time: unknown unit ${JSON.stringify(u)} in duration ${q}`);
    s = s.slice(u.length);
    total += Number(intPart || '0') * unit + (frac ? Number(`0.${frac}`) * unit : 0);
    if (total > 9223372036854775807) throw new GoError(`time: invalid duration ${q}`);
  }
  return neg ? -total : total;
}

/** Nanoseconds per second, for readability at call sites. */
export const second = 1e9;

/** net.SplitHostPort: [host, port] or a GoError ("address x: missing port in address"). */
export function splitHostPort(hostport: string): [string, string] {
  const fail = (why: string) => new GoError(`address ${hostport}: ${why}`);
  const i = hostport.lastIndexOf(':');
  if (i < 0) throw fail('missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) throw fail("missing ']' in address");
    if (end + 1 === hostport.length) throw fail('missing port in address');
    if (end + 1 !== i) {
      if (hostport[end + 1] === ':') throw fail('too many colons in address');
      throw fail('missing port in address');
    }
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) throw fail('too many colons in address');
  }
  if (hostport.slice(j).includes('[')) throw fail("unexpected '[' in address");
  if (hostport.slice(k).includes(']')) throw fail("unexpected ']' in address");
  return [host, hostport.slice(i + 1)];
}

/** net.ParseIP (v4, v6, v4-in-v6; no zone): bytes or undefined. */
export function parseIP(s: string): number[] | undefined {
  return parseIp(s);
}

/** net.ParseCIDR: true when it parses. */
export function isCidr(s: string): boolean {
  return parseCidr(s) !== undefined;
}

/** strconv.Atoi: an integer, or undefined (syntax or range error). */
export function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (Math.abs(n) > 9223372036854775807) return undefined;
  return n;
}

/** strconv.ParseUint(s, 10, bits). */
export function parseUint(s: string, bits: number): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (n > 2 ** bits - 1) return undefined;
  return n;
}

/**
 * regexp.Compile (RE2 syntax), checked by translating to a JavaScript RegExp. RE2 refuses
 * look-around and back-references, which JavaScript would accept; those are reported as Go does.
 * Returns the error message, or undefined when the pattern compiles.
 */
export function regexpError(pattern: string): string | undefined {
  const unsupported = /\(\?(=|!|<=|<!)|\\[1-9]/.exec(pattern);
  if (unsupported) return `error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported[0]}\``;
  let src = pattern.replace(/\(\?P</g, '(?<');
  let flags = 'u';
  // Leading inline flags (?i) (?s) (?m) (?U) become JavaScript flags.
  src = src.replace(/^\(\?([imsU]+)\)/, (_m, f: string) => {
    for (const c of f) if (c !== 'U' && !flags.includes(c)) flags += c;
    return '';
  });
  // POSIX classes and \z \A exist in RE2 only.
  src = src
    .replace(/\[:(alnum|alpha|ascii|blank|cntrl|digit|graph|lower|print|punct|space|upper|word|xdigit):\]/g, 'a')
    .replace(/\\z/g, '$')
    .replace(/\\A/g, '^');
  try {
    new RegExp(src, flags);
    return undefined;
  } catch (e) {
    try {
      // Unicode mode is stricter than RE2 about escapes like \- or \/ outside classes; retry without it.
      new RegExp(src, flags.replace('u', ''));
      return undefined;
    } catch {
      return `error parsing regexp: ${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)}`;
    }
  }
}

/** Number of capturing groups of an RE2 pattern that compiles (regexp.NumSubexp). */
export function regexpNumSubexp(pattern: string): number {
  const src = pattern.replace(/\(\?P</g, '(?<').replace(/^\(\?[imsU]+\)/, '');
  try {
    return new RegExp(`${src}|`).exec('')!.length - 1;
  } catch {
    try {
      return new RegExp(`${src}|`, 'u').exec('')!.length - 1;
    } catch {
      return 0;
    }
  }
}
