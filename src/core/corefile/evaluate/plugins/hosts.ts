/**
 * hosts (coredns plugin/hosts): inline entries and a hosts file, authoritative for its zones. A name
 * without any entry is SERVFAIL unless `fallthrough` covers it; a name with entries of the other
 * family (or a non-address type) is NODATA; PTR without an entry always goes to the next plugin.
 */
import ipaddr from 'ipaddr.js';
import type { DirectiveNode } from '../../model.js';
import { atLeast } from '../../version.js';
import { fqdn, matchZone, addressFromReverse } from '../names.js';
import { reply, type Outcome, type PluginInstance, type Req } from '../types.js';
import { fallsThrough, originsOrBlock, parseFall, rr, type BlockContext, type Fall } from './common.js';

interface HostsData {
  v4: Map<string, string[]>;
  v6: Map<string, string[]>;
  /** IP → names, for PTR. */
  byAddr: Map<string, string[]>;
}

const keywords = new Set(['ttl', 'no_reverse', 'reload', 'fallthrough', 'fallthrough_unsupported']);

function canonicalIp(text: string): string | null {
  const t = text.replace(/%.*$/, '');
  if (!ipaddr.isValid(t)) return null;
  const a = ipaddr.parse(t);
  if (t.includes(':') && a.kind() === 'ipv4') return null;
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toString() : a.toString();
}

/** Parses /etc/hosts-format text into `data`, keeping only names inside `zones`. */
function addHostsLines(data: HostsData, text: string, zones: readonly string[], noReverse: boolean): void {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const [ipText, ...names] = line.split(/\s+/);
    const ip = canonicalIp(ipText!);
    if (!ip || names.length === 0) continue; // CoreDNS silently ignores lines whose first field is not an IP.
    const family = ip.includes(':') ? data.v6 : data.v4;
    for (const n of names) {
      const name = fqdn(n);
      if (matchZone(zones, name) === '') continue; // entries outside the plugin's zones are dropped
      const list = family.get(name) ?? [];
      if (!list.includes(ip)) list.push(ip);
      family.set(name, list);
      if (!noReverse && !name.startsWith('*.')) {
        const back = data.byAddr.get(ip) ?? [];
        if (!back.includes(name)) back.push(name);
        data.byAddr.set(ip, back);
      }
    }
  }
}

function lookup(map: Map<string, string[]>, name: string): string[] {
  const exact = map.get(name);
  if (exact) return exact;
  const dot = name.indexOf('.');
  return dot >= 0 ? map.get(`*.${name.slice(dot + 1)}`) ?? [] : [];
}

/** Builds the hosts plugin of a block (once per block). */
export function hostsPlugin(directives: DirectiveNode[], ctx: BlockContext): PluginInstance[] {
  const d = directives[0]!;
  const args = d.args.map((t) => t.text);
  const file = args[0] ?? '/etc/hosts';
  const zones = originsOrBlock(args.slice(1), ctx);
  const lines = d.block ?? [];
  const ttlLine = lines.find((l) => l.name === 'ttl');
  const ttl = ttlLine ? Number(ttlLine.args[0]?.text ?? 3600) : 3600;
  const noReverse = lines.some((l) => l.name === 'no_reverse');
  const fall: Fall = parseFall(lines);
  const fallUnsupported = lines.some((l) => l.name === 'fallthrough_unsupported');
  const data: HostsData = { v4: new Map(), v6: new Map(), byAddr: new Map() };
  const path = file.startsWith('/') ? file : `/${file}`;
  let fileNote: string;
  let fileText: string | undefined | null;
  try {
    fileText = ctx.world.files?.read(path);
  } catch {
    fileText = null;
  }
  if (typeof fileText === 'string') {
    addHostsLines(data, fileText, zones, noReverse);
    fileNote = `file ${path}`;
  } else {
    fileNote = `file ${path} not readable (CoreDNS only warns)`;
  }
  // Inline entries: lines before `fallthrough` whose first token is not a keyword.
  const inline: string[] = [];
  for (const l of lines) {
    if (l.name === 'fallthrough') break;
    if (keywords.has(l.name)) continue;
    inline.push([l.name, ...l.args.map((t) => t.text)].join(' '));
  }
  addHostsLines(data, inline.join('\n'), zones, noReverse);
  const where = `hosts (line ${d.pos.line}, ${fileNote}, ${inline.length} inline entr${inline.length === 1 ? 'y' : 'ies'}, zones ${zones.join(' ')})`;
  const serve = (req: Req): Outcome => {
    const name = req.name;
    if (req.type === 'PTR') {
      const ip = canonicalIp(addressFromReverse(name));
      const names = ip ? data.byAddr.get(ip) ?? [] : [];
      if (names.length === 0) return { kind: 'next', note: `${where}: no PTR entry for ${name}; PTR misses always go to the next plugin.` };
      return {
        kind: 'answer',
        res: reply('NOERROR', { aa: true, answers: names.map((n) => rr(name, 'PTR', ttl, n)) }),
        note: `${where} has ${names.join(', ')} for ${ip}.`,
      };
    }
    if (matchZone(zones, name) === '') return { kind: 'next', note: `${where}: ${name} is outside its zones.` };
    const v4 = lookup(data.v4, name);
    const v6 = lookup(data.v6, name);
    const ips = req.type === 'A' ? v4 : req.type === 'AAAA' ? v6 : [];
    if (ips.length > 0) {
      return {
        kind: 'answer',
        res: reply('NOERROR', { aa: true, answers: ips.map((ip) => rr(name, req.type, ttl, ip)) }),
        note: `${where} has ${req.type} ${ips.join(', ')} for ${name}.`,
      };
    }
    const unsupported = req.type !== 'A' && req.type !== 'AAAA';
    // 1.14.5–1.14.6: with fallthrough, types hosts cannot answer go on; ≥1.14.7 only with fallthrough_unsupported.
    const passUnsupported = atLeast(ctx.world.corednsVersion, '1.14.7') ? fallUnsupported : atLeast(ctx.world.corednsVersion, '1.14.5') && fall !== null;
    if (v4.length + v6.length > 0 && unsupported && passUnsupported && fallsThrough(fall, name)) {
      return { kind: 'next', note: `${where}: ${req.type} is not a type hosts answers; passed on (fallthrough${fallUnsupported ? '_unsupported' : ''}).` };
    }
    if (v4.length + v6.length > 0) {
      return {
        kind: 'answer',
        res: reply('NOERROR', { aa: true }),
        note: `${where} knows ${name} (${[...v4, ...v6].join(', ')}) but has no ${req.type} for it: NODATA (NOERROR, empty), not passed on.`,
      };
    }
    if (fallsThrough(fall, name)) return { kind: 'next', note: `${where}: no entry for ${name}; fallthrough passes it on.` };
    return {
      kind: 'answer',
      res: reply('SERVFAIL', { written: false }),
      note: `${where}: no entry for ${name} and no fallthrough covering it: SERVFAIL (hosts has no SOA to give NXDOMAIN).`,
    };
  };
  return [{ name: 'hosts', line: d.pos.line, serve }];
}

