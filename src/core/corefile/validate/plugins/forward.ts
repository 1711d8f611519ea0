/**
 * forward: `forward FROM TO... { options }` (plugin/forward/setup.go, resolve.go, pkg/parse/host.go).
 * Each occurrence is one stanza (chained since 1.9.4; ErrOnce before). Upstream files (resolv.conf),
 * TLS files and hostnames are checked on the CoreDNS pod, so they give warnings here, not errors.
 */
import { isDomainName, normalizeName } from '../../domain-name.js';
import { normalizeZoneArg, splitTransport } from '../../keys.js';
import { forwardPolicies, isOneOf } from '../../plugin-values.js';
import type { PluginContext, PluginValidator } from '../context.js';
import { GoError, atoi, parseDuration, parseIP, parseUint, splitHostPort } from '../go.js';
import { rcodeNames } from './rcodes.js';

/** The transports forward may send to (plugin/forward/setup.go); https only from 1.14.5. */
const forwardDestinationTransports: readonly string[] = ['dns', 'tls', 'https'];

/** Max upstreams per stanza. */
export const maxUpstreams = 15;

export const validateForward: PluginValidator = (ctx) => {
  const c = ctx.c;
  let n = 0;
  while (c.next()) {
    if (n++ > 0 && !ctx.atLeast('1.9.4')) throw ctx.errOnce();
    stanza(ctx);
  }
};

function stanza(ctx: PluginContext): void {
  const c = ctx.c;
  if (!c.nextArg()) throw c.argErr();
  const from = c.val();
  const zones = normalizeZoneArg(from);
  if (zones.length === 0) throw c.err(`unable to normalize '${from}'`);
  if (zones.length > 1) ctx.warn(`Unsupported CIDR notation: '${from}' expands to multiple zones. Using only '${zones[0]}'.`);
  const toToks = c.remainingArgTokens();
  if (toToks.length === 0) throw c.argErr();
  const to = toToks.map((t) => t.text);
  const o = { expire: 10e9, maxAge: 0, tlsServerName: '' };
  while (c.nextBlock()) option(ctx, o);
  if (o.maxAge > 0 && o.maxAge < o.expire) throw c.err(`max_age (${goDur(o.maxAge)}) must not be less than expire (${goDur(o.expire)})`);
  for (const addr of to) {
    const { transport, rest } = splitTransport(addr);
    if (transport === 'https' && rest.includes('/')) {
      throw c.err(`paths are not allowed in HTTPS upstream addresses (the /dns-query path is used by default): ${addr}`);
    }
  }
  if (to.length > maxUpstreams) throw c.err(`more than ${maxUpstreams} TOs configured: ${to.length}`);
  for (const t of toToks) {
    const addr = t.text;
    const kind = classify(addr);
    if (kind === 'ip') {
      const { transport } = splitTransport(addr);
      if (!forwardDestinationTransports.includes(transport)) {
        throw c.err(`'${transport}' is not supported as a destination protocol in forward: ${addr}`);
      }
      if (transport === 'https' && !ctx.atLeast('1.14.5')) throw c.err(`'https' is not supported as a destination protocol in forward: ${addr}`);
      if (transport === 'tls' && addr.includes('%') && o.tlsServerName !== '') {
        const [host, sni] = splitZone(addr);
        throw c.err(`both forward ('${o.tlsServerName}') and proxy level ('${sni}') TLS servernames are set for upstream proxy '${host}'`);
      }
      continue;
    }
    if (kind === 'invalid') throw c.err(`invalid address: "${addr}"`);
    // A path or a hostname: only the pod can tell. /etc/resolv.conf is always there: in Kubernetes it
    // is the node's resolv.conf (CoreDNS runs with dnsPolicy: Default).
    if (addr === '/etc/resolv.conf') continue;
    const podText = ctx.readPodFile(addr);
    if (podText !== undefined) {
      if (!/^\s*nameserver\s+\S+/m.test(podText)) ctx.warn(`${addr} has no nameserver line: no valid upstream addresses found`, t.pos);
    } else if (addr.startsWith('/') || addr.startsWith('.') || /\.conf$|resolv/.test(addr)) {
      ctx.podFile(addr, 'upstream file (resolv.conf)', t.pos);
    } else if (isHostEntry(addr) && ctx.atLeast('1.14.4')) {
      ctx.warn(`${addr} is not an IP address: CoreDNS resolves it at startup, or reads it as a file on the pod`, t.pos);
    } else if (isHostEntry(addr)) {
      ctx.warn(`${addr} is not an IP address: it must be a resolv.conf-style file on the CoreDNS pod`, t.pos);
    } else {
      throw c.err(`not an IP address, file, or valid domain: "${addr}"`);
    }
  }
}

/** 'ip' for IP[:port] forms (any scheme), 'other' for words that may be files or hostnames. */
function classify(addr: string): 'ip' | 'other' | 'invalid' {
  const [clean] = splitZone(addr);
  const { rest } = splitTransport(clean);
  if (rest === '') return 'invalid';
  let host = rest;
  try {
    host = splitHostPort(rest)[0];
  } catch {
    host = rest.replace(/^\[|\]$/g, '');
  }
  return parseIP(host.replace(/%.*$/, '')) ? 'ip' : 'other';
}

/** forward's splitZone: `IP%servername` → [host, servername]. */
function splitZone(h: string): [string, string] {
  const i = h.lastIndexOf('%');
  if (i === -1) return [h, ''];
  let zone = h.slice(i + 1);
  let host = h.slice(0, i);
  if (host.includes('[')) host += ']';
  const colon = zone.lastIndexOf(':');
  if (colon !== -1) {
    host += zone.slice(colon);
    zone = zone.slice(0, colon).replace(/\]$/, '');
  }
  return [host, zone];
}

function isHostEntry(h: string): boolean {
  const [clean] = splitZone(h);
  const { transport, rest } = splitTransport(clean);
  if (!forwardDestinationTransports.includes(transport)) return false;
  let hostname = rest;
  try {
    hostname = splitHostPort(rest)[0];
  } catch {
    /* no port */
  }
  hostname = hostname.replace(/^\[+|\]+$/g, '');
  return hostname !== '' && isDomainName(hostname) && !parseIP(hostname);
}

function goDur(ns: number): string {
  return ns % 1e9 === 0 ? `${ns / 1e9}s` : `${ns / 1e6}ms`;
}

function option(ctx: PluginContext, o: { expire: number; maxAge: number; tlsServerName: string }): void {
  const c = ctx.c;
  const opt = c.val();
  const since: Record<string, string> = {
    max_concurrent: '1.6.8', next: '1.11.4', failfast_all_unhealthy_upstreams: '1.12.1', failover: '1.13.0',
    max_connect_attempts: '1.13.2', next_on_nodata: '1.14.4', resolver: '1.14.4', read_timeout: '1.14.5',
    doh_method: '1.14.5', source_address: '1.14.6', max_idle_conns: '1.14.1', max_age: '1.14.3',
  };
  if (since[opt] && !ctx.atLeast(since[opt])) throw c.err(`unknown property '${opt}'`);
  const one = (): string => {
    if (!c.nextArg()) throw c.argErr();
    return c.val();
  };
  const dur = (s: string): number => {
    try {
      return parseDuration(s);
    } catch (e) {
      throw c.err((e as GoError).message);
    }
  };
  const int = (s: string): number => {
    const n = atoi(s);
    if (n === undefined) throw c.err(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
    return n;
  };
  const uint32 = (s: string): void => {
    if (parseUint(s, 32) === undefined) throw c.err(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  };
  switch (opt) {
    case 'except': {
      const a = c.remainingArgs();
      if (a.length === 0) throw c.argErr();
      break;
    }
    case 'max_fails':
    case 'max_connect_attempts':
      uint32(one());
      break;
    case 'health_check': {
      const d = dur(one());
      if (d < 0) throw c.err(`health_check can't be negative: ${d}`);
      while (c.nextArg()) {
        const v = c.val();
        if (v === 'no_rec') continue;
        if (v !== 'domain') throw c.err(`health_check: unknown option ${v}`);
        if (!c.nextArg()) throw c.argErr();
        if (!isDomainName(c.val())) throw c.err(`health_check: invalid domain name ${c.val()}`);
        normalizeName(c.val());
      }
      break;
    }
    case 'force_tcp':
    case 'prefer_udp':
    case 'next_on_nodata':
      if (c.nextArg()) throw c.argErr();
      break;
    case 'tls': {
      const a = c.remainingArgs();
      if (a.length > 3) throw c.argErr();
      for (const f of a) ctx.podFile(f, 'TLS file');
      break;
    }
    case 'tls_servername':
      o.tlsServerName = one();
      break;
    case 'expire': {
      const d = dur(one());
      if (d < 0) throw c.err(`expire can't be negative: ${goDur(d)}`);
      o.expire = d;
      break;
    }
    case 'max_age': {
      const d = dur(one());
      if (d < 0) throw c.err(`max_age can't be negative: ${goDur(d)}`);
      o.maxAge = d;
      break;
    }
    case 'max_idle_conns': {
      const n = int(one());
      if (n < 0) throw c.err(`max_idle_conns can't be negative: ${n}`);
      break;
    }
    case 'read_timeout': {
      const d = dur(one());
      if (d <= 0) throw c.err(`read_timeout must be positive: ${goDur(d)}`);
      break;
    }
    case 'doh_method': {
      const v = one();
      if (v !== 'GET' && v !== 'POST') throw c.err('doh_method must be either POST or GET');
      break;
    }
    case 'policy': {
      const v = one();
      if (!isOneOf(forwardPolicies, v)) throw c.err(`unknown policy '${v}'`);
      break;
    }
    case 'max_concurrent': {
      const n = int(one());
      if (n < 0) throw c.err(`max_concurrent can't be negative: ${n}`);
      break;
    }
    case 'next':
    case 'failover': {
      const a = c.remainingArgs();
      if (a.length === 0) throw c.argErr();
      for (const r of a) {
        const rc = rcodeNames.get(r.toUpperCase());
        if (rc === undefined) throw c.err(`${r} is not a valid rcode`);
        if (opt === 'failover' && rc === 0) throw c.err('NoError cannot be used in failover');
      }
      break;
    }
    case 'failfast_all_unhealthy_upstreams':
      if (c.remainingArgs().length !== 0) throw c.argErr();
      break;
    case 'resolver': {
      const a = c.remainingArgs();
      if (a.length === 0) throw c.argErr();
      for (const arg of a) {
        let host = arg;
        try {
          host = splitHostPort(arg)[0];
        } catch {
          /* a bare IP */
        }
        if (!parseIP(host)) throw c.err(`resolver must be an IP address or IP:port: "${arg}"`);
      }
      break;
    }
    case 'source_address': {
      const v = one();
      if (!parseIP(v)) throw c.err(`invalid IP address: ${v}`);
      break;
    }
    default:
      throw c.err(`unknown property '${opt}'`);
  }
}
