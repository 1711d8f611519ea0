/**
 * busybox nslookup 1.35 (what most slim images have): parser and formatter. It sends A for each
 * candidate name, then AAAA for each (its own search rule, see candidateNames 'busybox'), prints
 * the server once the first reply arrives, then per reply either `** server can't find NAME: RCODE`
 * or the answers (`Name:\tNAME` / `Address: IP`, preceded by `Non-authoritative answer:` when AA is
 * unset), each block followed by a blank line. No reply at all: `;; connection timed out; no
 * servers could be reached`. Exit 1 when any query failed or went unanswered (measured with busybox 1.35).
 */
import type { ExecResult } from '../../core/cluster-access.js';
import type { RecordType } from '../../core/model/dns.js';
import { candidateNames } from '../../core/resolver/candidate-names.js';
import type { ResolvConf } from '../../core/resolver/resolv-conf.js';
import type { DnsQueryResult } from '../dns/dns-client.js';
import { type ParsedToolOutput, isIp, unique } from './types.js';

/** Parses busybox (and, for the common lines, bind) nslookup output. */
export function parseNslookup(stdout: string): ParsedToolOutput {
  const addresses: string[] = [];
  let server: string | undefined;
  let rcode: string | undefined;
  let inAnswer = false;
  let timedOut = false;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^Server:\s+(\S+)/))) server = m[1];
    else if (/^Name:\s+/.test(line)) inAnswer = true;
    else if ((m = line.match(/^Address(?:es)?:\s+(\S+)/))) {
      // The header's "Address:\t10.96.0.10:53" (or "#53") names the server, not an answer.
      const value = m[1]!;
      if (inAnswer && isIp(value)) addresses.push(value);
    } else if ((m = line.match(/^\*\*\s*server can't find [^:]+:\s*(\S+)/))) rcode ??= m[1];
    else if (/connection timed out|no servers could be reached/.test(line)) timedOut = true;
    else if (line === '') inAnswer = false;
  }
  const parsed: ParsedToolOutput = { addresses: unique(addresses) };
  if (addresses.length > 0) parsed.rcode = 'NOERROR';
  else if (rcode) parsed.rcode = rcode;
  if (server) parsed.server = server;
  if (timedOut) parsed.timedOut = true;
  return parsed;
}

/** The queries busybox nslookup sends for NAME with this resolv.conf, in order (A for every candidate, then AAAA). */
export function nslookupQueries(name: string, conf: ResolvConf, types: RecordType[] = ['A', 'AAAA']): { qname: string; qtype: RecordType }[] {
  const names = candidateNames(name, conf, 'busybox');
  return types.flatMap((qtype) => names.map((qname) => ({ qname, qtype })));
}

/**
 * What busybox nslookup prints given the results of its queries (in nslookupQueries order) sent to
 * `server` (the address as written in resolv.conf or on the command line).
 */
export function formatNslookup(server: string, results: DnsQueryResult[]): ExecResult {
  const replies = results.filter((r) => r.outcome === 'answer');
  if (replies.length === 0) {
    const refused = results.some((r) => r.outcome === 'refused');
    return {
      stdout: ';; connection timed out; no servers could be reached\n',
      stderr: refused ? `nslookup: write to '${server}': Connection refused\n` : '',
      exitCode: 1,
    };
  }
  let out = `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
  let failed = results.length !== replies.length;
  for (const r of replies) {
    const name = r.qname.replace(/\.$/, '');
    if (r.rcode !== 'NOERROR') {
      out += `** server can't find ${name}: ${r.rcode}\n\n`;
      failed = true;
      continue;
    }
    if (!r.aa) out += 'Non-authoritative answer:\n';
    for (const a of r.answers) {
      const owner = a.name.replace(/\.$/, '');
      if (a.type === 'A' || a.type === 'AAAA') out += `Name:\t${owner}\nAddress: ${a.data}\n`;
      else if (a.type === 'CNAME') out += `${owner}\tcanonical name = ${a.data.replace(/\.$/, '')}\n`;
    }
    out += '\n';
  }
  return { stdout: out, stderr: '', exitCode: failed ? 1 : 0 };
}
