/**
 * dig 9.18 output: parser (plain, +short, +yaml) and formatter (plain and +short). Plain output
 * puts each failed try on stdout first (`;; communications error to IP#PORT: timed out` or
 * `connection refused`), then the banner, then either the reply or `;; no servers could be
 * reached` (exit 9). Any DNS reply, NXDOMAIN and REFUSED included, exits 0.
 */
import type { ExecResult } from '../../core/cluster-access.js';
import { parse as parseYaml } from 'yaml';
import type { DnsRecord } from '../../core/model/dns.js';
import type { DnsQueryResult } from '../dns/dns-client.js';
import { type ParsedToolOutput, isIp, unique } from './types.js';

/** Parses plain, +short or +yaml dig output into addresses, rcode, server and whether it timed out. */
export function parseDig(stdout: string): ParsedToolOutput {
  if (/^-\s+type:\s+(MESSAGE|DIG_ERROR)/m.test(stdout)) return parseDigYaml(stdout);
  const lines = stdout.split(/\r?\n/);
  const status = stdout.match(/->>HEADER<<-.*status:\s*([A-Z0-9]+)/);
  const parsed: ParsedToolOutput = { addresses: [] };
  if (status) {
    parsed.rcode = status[1]!;
    parsed.addresses = unique(answerSection(lines).filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.data));
    const server = stdout.match(/^;; SERVER:\s*([^#\s]+)#/m);
    if (server) parsed.server = server[1]!;
    return parsed;
  }
  if (/no servers could be reached|connection timed out/.test(stdout)) {
    parsed.timedOut = /: timed out|connection timed out/.test(stdout);
    const server = stdout.match(/communications error to ([^#\s]+)#/);
    if (server) parsed.server = server[1]!;
    return parsed;
  }
  // +short: one record's data per line; addresses are what dnswhy needs.
  parsed.addresses = unique(lines.map((l) => l.trim()).filter(isIp));
  return parsed;
}

/** Records of the ANSWER SECTION of plain dig output. */
export function answerSection(lines: string[]): DnsRecord[] {
  const out: DnsRecord[] = [];
  let inAnswer = false;
  for (const line of lines) {
    if (line.startsWith(';; ANSWER SECTION:')) {
      inAnswer = true;
      continue;
    }
    if (!inAnswer) continue;
    if (line.trim() === '' || line.startsWith(';')) break;
    const [name, ttl, klass, type, ...data] = line.split(/\s+/);
    if (!name || !type || klass !== 'IN') continue;
    out.push({ name, type, ttl: Number(ttl), data: data.join(' ') });
  }
  return out;
}

function parseDigYaml(stdout: string): ParsedToolOutput {
  let doc: unknown;
  try {
    doc = parseYaml(stdout);
  } catch {
    return { addresses: [] };
  }
  const items = Array.isArray(doc) ? doc : [];
  const parsed: ParsedToolOutput = { addresses: [] };
  for (const item of items as { type?: string; message?: Record<string, unknown> | string }[]) {
    if (item.type === 'DIG_ERROR') {
      // +yaml does not tell a timeout from a refusal (measured with dig 9.18).
      parsed.timedOut = true;
      continue;
    }
    const msg = item.message as Record<string, unknown> | undefined;
    const data = msg?.response_message_data as Record<string, unknown> | undefined;
    if (!data) continue;
    if (typeof data.status === 'string') parsed.rcode = data.status;
    if (typeof msg!.response_address === 'string') parsed.server = msg!.response_address;
    const answers = Array.isArray(data.ANSWER_SECTION) ? (data.ANSWER_SECTION as string[]) : [];
    for (const rr of answers) {
      const [, , , type, value] = String(rr).split(/\s+/);
      if ((type === 'A' || type === 'AAAA') && value) parsed.addresses.push(value);
    }
  }
  parsed.addresses = unique(parsed.addresses);
  return parsed;
}

/** Pads with tabs to a tab-stop column, at least one tab (dig's master-file layout). */
function tabTo(text: string, column: number): string {
  let out = `${text}\t`;
  let width = (Math.floor(text.length / 8) + 1) * 8;
  while (width < column) {
    out += '\t';
    width += 8;
  }
  return out;
}

function rrLine(r: DnsRecord): string {
  return `${tabTo(r.name, 24)}${r.ttl}\tIN\t${r.type}\t${r.data}`;
}

/** How the formatter renders one dig run. */
export interface DigFormatOptions {
  /** argv after `dig` (for the banner), e.g. ['@10.96.0.10', 'api.default.svc.cluster.local']. */
  args: string[];
  /** Address and port dig sent to, as the user wrote it (cluster address). */
  server: { ip: string; port: number };
  short?: boolean;
  /** When the reply came (for the WHEN line); default now. */
  when?: Date;
  /** dig's tries (default 3) when there was no reply. */
  tries?: number;
  id?: number;
  edns?: boolean;
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function whenLine(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** What dig prints for a query result (plain, or +short). */
export function formatDig(r: DnsQueryResult, o: DigFormatOptions): ExecResult {
  const target = `${o.server.ip}#${o.server.port}`;
  if (r.outcome !== 'answer') {
    const why = r.outcome === 'refused' ? 'connection refused' : 'timed out';
    const tries = r.outcome === 'refused' ? Math.max(1, r.tries) : (o.tries ?? 3);
    const errors = Array.from({ length: tries }, () => `;; communications error to ${target}: ${why}\n`).join('');
    if (o.short) return { stdout: `${errors};; no servers could be reached\n`, stderr: '', exitCode: 9 };
    return { stdout: `${errors}${banner(o)};; no servers could be reached\n`, stderr: '', exitCode: 9 };
  }
  if (o.short) return { stdout: r.answers.map((a) => `${a.data}\n`).join(''), stderr: '', exitCode: 0 };
  const flags = ['qr', ...(r.aa ? ['aa'] : []), ...(r.tc ? ['tc'] : []), 'rd', 'ra'].join(' ');
  const edns = o.edns !== false;
  const qname = r.qname.endsWith('.') ? r.qname : `${r.qname}.`;
  let out = banner(o);
  out += ';; Got answer:\n';
  out += `;; ->>HEADER<<- opcode: QUERY, status: ${r.rcode ?? 'NOERROR'}, id: ${o.id ?? 0}\n`;
  out += `;; flags: ${flags}; QUERY: 1, ANSWER: ${r.answers.length}, AUTHORITY: ${r.authority.length}, ADDITIONAL: ${edns ? 1 : 0}\n\n`;
  if (edns) out += ';; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n';
  out += `;; QUESTION SECTION:\n${tabTo(`;${qname}`, 32)}IN\t${r.qtype}\n\n`;
  if (r.answers.length > 0) out += `;; ANSWER SECTION:\n${r.answers.map(rrLine).join('\n')}\n\n`;
  if (r.authority.length > 0) out += `;; AUTHORITY SECTION:\n${r.authority.map(rrLine).join('\n')}\n\n`;
  out += `;; Query time: ${Math.round(r.latencyMs)} msec\n`;
  out += `;; SERVER: ${target}(${o.server.ip}) (${r.transport.toUpperCase()})\n`;
  out += `;; WHEN: ${whenLine(o.when ?? new Date())}\n`;
  out += `;; MSG SIZE  rcvd: ${messageSize(r, edns)}\n\n`;
  return { stdout: out, stderr: '', exitCode: 0 };
}

function banner(o: DigFormatOptions): string {
  const found = o.args.some((a) => a.startsWith('@')) ? '; (1 server found)\n' : '';
  return `\n; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> ${o.args.join(' ')}\n${found};; global options: +cmd\n`;
}

/** Approximate wire size of the reply (header, question, records with name compression to the question). */
function messageSize(r: DnsQueryResult, edns: boolean): number {
  const nameLen = (n: string): number => (n === '.' ? 1 : n.replace(/\.$/, '').length + 2);
  const q = nameLen(r.qname) + 4;
  const rr = (x: DnsRecord): number => {
    const owner = x.name.toLowerCase() === (r.qname.endsWith('.') ? r.qname : `${r.qname}.`).toLowerCase() ? 2 : nameLen(x.name);
    const rdata = x.type === 'A' ? 4 : x.type === 'AAAA' ? 16 : x.data.length + 2;
    return owner + 10 + rdata;
  };
  return 12 + q + [...r.answers, ...r.authority].reduce((s, x) => s + rr(x), 0) + (edns ? 11 : 0);
}
