/**
 * Server block keys (docs/coredns-semantics.md, "Server block keys"): scheme and default port, SplitHostPort, zone validity,
 * reverse CIDR expansion and normalisation into ZoneAddress, as `InspectServerBlocks` does.
 */
import { parseCidr, reverseZones } from './cidr.js';
import { byteLength, fqdn, isDomainName, normalizeName } from './domain-name.js';
import type { ServerTransport, ZoneAddress } from './model.js';

/** Default listen ports per transport (`plugin/pkg/transport`); unix has none. */
export const defaultPorts: Record<ServerTransport, number | undefined> = {
  dns: 53, tls: 853, quic: 853, grpc: 443, https: 443, https3: 443, unix: undefined,
};

// Order matters: https3:// is tried before https:// (transport.go).
const schemes: ServerTransport[] = ['tls', 'dns', 'quic', 'grpc', 'https3', 'https', 'unix'];

/** `parse.Transport`: the scheme (case-sensitive prefix) and the rest. */
export function splitTransport(s: string): { transport: ServerTransport; rest: string } {
  for (const t of schemes) if (s.startsWith(`${t}://`)) return { transport: t, rest: s.slice(t.length + 3) };
  return { transport: 'dns', rest: s };
}

/** Result of `plugin.SplitHostPort`: hosts (several for a split CIDR), the port text, or an error. */
export type HostPort = { hosts: string[]; port: string; cidr?: string } | { error: string };

/** `plugin.SplitHostPort` (a key without its scheme). */
export function splitHostPort(s: string): HostPort {
  let port = '';
  const colon = s.lastIndexOf(':');
  if (colon !== -1 && colon === s.length - 1) return { error: `expecting data after last colon: ${goQuote(s)}` };
  if (colon !== -1) {
    const p = goAtoi(s.slice(colon + 1));
    if (p !== undefined) {
      port = String(p);
      s = s.slice(0, colon);
    }
  }
  const len = byteLength(s);
  if (len > 255) return { error: `specified zone is too long: ${len} > 255` };
  if (!isDomainName(s)) return { error: `zone is not a valid domain name: ${s}` };
  const net = parseCidr(s);
  if (!net) return { hosts: [s], port };
  if (s[0] === ':' || (s[0] === '0' && s.includes(':'))) return { error: `invalid CIDR ${s}` };
  return { hosts: reverseZones(net), port, cidr: s };
}

/** Options for key normalisation. */
export interface KeyOptions {
  /** The `-dns.port` flag (default 53). */
  dnsPort?: number;
}

/** Normalises one key into its addresses (several for a split reverse CIDR), or an error message. */
export function normalizeKey(raw: string, opts: KeyOptions = {}): { addresses: ZoneAddress[] } | { error: string } {
  const { transport, rest } = splitTransport(raw);
  const hp = splitHostPort(rest);
  if ('error' in hp) return hp;
  // CoreDNS re-checks each host as an FQDN ("ȶ" passes, "ȶ." may not).
  for (const h of hp.hosts) {
    const again = splitHostPort(fqdn(h));
    if ('error' in again) return again;
  }
  let port: number;
  if (hp.port !== '') port = Number(hp.port);
  else if (transport === 'dns') port = opts.dnsPort ?? 53;
  else port = defaultPorts[transport] ?? 0;
  return {
    addresses: hp.hosts.map((h) => {
      const a: ZoneAddress = { raw, transport, zone: normalizeName(h), port };
      if (hp.cidr !== undefined) a.fromCidr = hp.cidr;
      return a;
    }),
  };
}

/** `transport://zone:port`, the key string CoreDNS prints (e.g. `dns://example.org.:53`). */
export function addressString(a: Pick<ZoneAddress, 'transport' | 'zone' | 'port'>, bindAddress = ''): string {
  const port = a.transport === 'unix' && a.port === 0 ? '' : String(a.port);
  return `${a.transport}://${a.zone}:${port}${bindAddress ? ` on ${bindAddress}` : ''}`;
}

/**
 * Host.NormalizeExact, used for plugin zone arguments (fallthrough, forward FROM, hosts zones…):
 * scheme and port stripped, CIDRs expanded, FQDN lower-case. Empty when invalid.
 */
export function normalizeZoneArg(s: string): string[] {
  const hp = splitHostPort(splitTransport(s).rest);
  if ('error' in hp) return [];
  return hp.hosts.map(normalizeName);
}

/** Go strconv.Atoi: optional sign, decimal digits, within int64. */
function goAtoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (!Number.isSafeInteger(n) && Math.abs(n) > 9.2e18) return undefined;
  return n;
}

/** Go's %q for simple strings. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
