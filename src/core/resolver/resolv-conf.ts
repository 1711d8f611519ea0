/**
 * resolv.conf as glibc and musl read it (resolv.conf(5), glibc resolv/res_init.c, musl
 * src/network/resolvconf.c). Pure: takes the file's text, never reads it.
 */

/** The stub resolvers dnswhy emulates. */
export type Libc = 'glibc' | 'musl';

/** Options that change how a stub resolver sends queries. */
export interface ResolvOptions {
  /** Names with at least this many dots are tried as-is first (glibc) or only as-is (musl). Default 1, max 15. */
  ndots: number;
  /** Seconds per try (glibc: first server; later servers get more, see tryTimeoutSeconds). Default 5. */
  timeout: number;
  /** Rounds over all nameservers. Default 2. */
  attempts: number;
  /** glibc only: round-robin the first server per query. */
  rotate: boolean;
  /** glibc only: A then AAAA sequentially on one socket. */
  singleRequest: boolean;
  /** glibc only: A and AAAA on separate sockets. */
  singleRequestReopen: boolean;
  /** glibc only: always TCP. */
  useVc: boolean;
  /** glibc only: send an EDNS0 OPT record. */
  edns0: boolean;
  /** glibc only: set the AD bit in queries (trust-ad; glibc 2.31 and later send it only then). */
  trustAd: boolean;
}

/** A parsed resolv.conf. */
export interface ResolvConf {
  /** Nameservers in file order (all of them; a libc uses at most 3, see usableNameservers). */
  nameservers: string[];
  /** Search list in order (from the last `search` or `domain` line), without trailing dots. */
  search: string[];
  options: ResolvOptions;
  /** Lines that were not understood or values out of range, with their line number. */
  warnings: string[];
}

/** Both glibc (MAXNS) and musl (MAXNS) use the first three nameservers only. */
export const maxNameservers = 3;

/** Defaults of both libcs (RES_TIMEOUT 5, RES_DFLRETRY 2, ndots 1). */
export const defaultOptions: Readonly<ResolvOptions> = Object.freeze({
  ndots: 1,
  timeout: 5,
  attempts: 2,
  rotate: false,
  singleRequest: false,
  singleRequestReopen: false,
  useVc: false,
  edns0: false,
  trustAd: false,
});

/** Caps when parsing: the larger of glibc's and musl's (musl: timeout 60, attempts 10). */
const parseCaps = { ndots: 15, timeout: 60, attempts: 10 };
/** Caps glibc applies on top (RES_MAXRETRANS 30, RES_MAXRETRY 5). */
const glibcCaps = { timeout: 30, attempts: 5 };

/**
 * Parses resolv.conf text. Never throws: unknown lines become warnings, like libc ignores them.
 * Comments start with `#` or `;` at the start of a line; `search` and `domain` override each other
 * (the last one wins), `options` lines accumulate.
 */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  const options: ResolvOptions = { ...defaultOptions };
  const warnings: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const [keyword, ...args] = line.split(/[ \t]+/);
    switch (keyword) {
      case 'nameserver': {
        const ip = args[0];
        if (ip === undefined) warnings.push(`line ${lineNo}: nameserver without an address`);
        else if (!looksLikeIp(ip)) warnings.push(`line ${lineNo}: nameserver "${ip}" is not an IP address`);
        else nameservers.push(ip);
        break;
      }
      case 'search':
      case 'domain': {
        // Trailing comments are not allowed by libc here, but a trailing dot is harmless.
        const names = args.map((n) => n.replace(/\.$/, '')).filter((n) => n !== '');
        search = keyword === 'domain' ? names.slice(0, 1) : names;
        break;
      }
      case 'options':
        for (const opt of args) parseOption(opt, options, lineNo, warnings);
        break;
      case 'sortlist':
        break; // affects ordering of IPv4 results only; not modelled
      default:
        warnings.push(`line ${lineNo}: unknown keyword "${keyword}"`);
    }
  });
  if (search.length > 6 || search.join(' ').length > 255) {
    // glibc before 2.26 (MAXDNSRCH 6, 256 bytes) and musl (256 bytes) drop the rest of the list.
    warnings.push(`search list has ${search.length} entries (${search.join(' ').length} characters): glibc < 2.26 keeps 6 entries / 256 characters, musl 256 characters`);
  }
  if (nameservers.length > maxNameservers) {
    warnings.push(`${nameservers.length} nameservers listed; libc uses only the first ${maxNameservers}`);
  }
  return { nameservers, search, options, warnings };
}

function parseOption(opt: string, options: ResolvOptions, lineNo: number, warnings: string[]): void {
  const [name, value] = opt.split(':', 2) as [string, string | undefined];
  const num = (cap: number): number | undefined => {
    if (value === undefined || !/^\d+$/.test(value)) {
      warnings.push(`line ${lineNo}: option ${name} needs a number, got "${value ?? ''}"`);
      return undefined;
    }
    const n = Number(value);
    if (n > cap) warnings.push(`line ${lineNo}: ${name}:${n} is capped at ${cap}`);
    return Math.min(n, cap);
  };
  switch (name) {
    case 'ndots': {
      const n = num(parseCaps.ndots);
      if (n !== undefined) options.ndots = n;
      break;
    }
    case 'timeout': {
      const n = num(parseCaps.timeout);
      if (n !== undefined) options.timeout = Math.max(1, n);
      break;
    }
    case 'attempts': {
      const n = num(parseCaps.attempts);
      if (n !== undefined) options.attempts = Math.max(1, n);
      break;
    }
    case 'rotate':
      options.rotate = true;
      break;
    case 'single-request':
      options.singleRequest = true;
      break;
    case 'single-request-reopen':
      options.singleRequestReopen = true;
      break;
    case 'use-vc':
      options.useVc = true;
      break;
    case 'edns0':
      options.edns0 = true;
      break;
    case 'debug':
    case 'inet6':
    case 'no-check-names':
    case 'no-tld-query':
    case 'no-reload':
    case 'trust-ad':
      options.trustAd = true;
      break;
    case 'no-aaaa':
      break; // understood by glibc, no effect on what dnswhy models
    default:
      warnings.push(`line ${lineNo}: unknown option "${opt}"`);
  }
}

function looksLikeIp(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (s.includes(':') && /^[0-9a-fA-F:.%a-z]+$/.test(s));
}

/** The nameservers a libc really uses (the first three; 127.0.0.1 when none is listed). */
export function usableNameservers(conf: ResolvConf): string[] {
  const list = conf.nameservers.slice(0, maxNameservers);
  return list.length > 0 ? list : ['127.0.0.1'];
}

/**
 * The search list a libc really uses. glibc ≥ 2.26 keeps every entry; musl keeps what fits in
 * 256 characters (its buffer); entries that would make a name longer than 253 are skipped later.
 */
export function usableSearch(conf: ResolvConf, libc: Libc): string[] {
  if (libc === 'glibc') return conf.search;
  const out: string[] = [];
  let used = 0;
  for (const s of conf.search) {
    used += s.length + (out.length > 0 ? 1 : 0);
    if (used >= 256) break;
    out.push(s);
  }
  return out;
}

/**
 * Options a libc honours. musl reads only ndots, timeout and attempts (timeout up to 60 s, attempts up to
 * 10); glibc caps timeout at 30 s and attempts at 5; everything else is glibc-only.
 */
export function effectiveOptions(conf: ResolvConf, libc: Libc): ResolvOptions {
  if (libc === 'glibc') {
    return {
      ...conf.options,
      timeout: Math.min(conf.options.timeout, glibcCaps.timeout),
      attempts: Math.min(conf.options.attempts, glibcCaps.attempts),
    };
  }
  return { ...defaultOptions, ndots: conf.options.ndots, timeout: conf.options.timeout, attempts: conf.options.attempts };
}

/** The pod dnsConfig that makes the kubelet write a resolv.conf like this one (with `dnsPolicy: None`). */
export interface ResolvConfAsDnsConfig {
  nameservers: string[];
  searches: string[];
  options: { name: string; value?: string }[];
}

/**
 * The `dnsConfig` (for `dnsPolicy: None`) under which the kubelet writes the same nameservers, search
 * list and options as `text`, so a probe pod in another namespace reads the same resolv.conf. Options
 * are kept as written (`ndots:5` → name ndots, value 5), in order; the kubelet writes them back the same way.
 * Undefined when the file names no nameserver (the kubelet refuses dnsPolicy None without one).
 */
export function resolvConfAsDnsConfig(text: string): ResolvConfAsDnsConfig | undefined {
  const parsed = parseResolvConf(text);
  if (parsed.nameservers.length === 0) return undefined;
  const options: { name: string; value?: string }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const [keyword, ...args] = raw.trim().split(/[ \t]+/);
    if (keyword !== 'options') continue;
    for (const opt of args) {
      const colon = opt.indexOf(':');
      const option = colon < 0 ? { name: opt } : { name: opt.slice(0, colon), value: opt.slice(colon + 1) };
      const seen = options.findIndex((o) => o.name === option.name);
      // A later line's value wins, as in libc; the kubelet would write both otherwise.
      if (seen >= 0) options[seen] = option;
      else options.push(option);
    }
  }
  return { nameservers: parsed.nameservers.slice(0, maxNameservers), searches: parsed.search, options };
}
