/**
 * Parsing the output of the pod image's DNS tools into ToolOutputEvidence['parsed'].
 * Interim: a minimal reading of getent/nslookup until DNSPROBE's parsers (src/probes/tools/) land.
 */
import type { ToolOutputEvidence } from '../../core/model/index.js';

type Parsed = ToolOutputEvidence['parsed'];

const ipRe = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]+)$/;

function getent(stdout: string): Parsed {
  const addresses: string[] = [];
  for (const line of stdout.split('\n')) {
    const ip = line.trim().split(/\s+/)[0];
    if (ip && ipRe.test(ip) && !addresses.includes(ip)) addresses.push(ip);
  }
  return { addresses };
}

function nslookup(stdout: string): Parsed {
  const addresses: string[] = [];
  let server: string | undefined;
  let inAnswer = false;
  for (const line of stdout.split('\n')) {
    const s = /^Server:\s+(\S+)/.exec(line);
    if (s) server = s[1]!.split('#')[0];
    if (/^Name:\s/.test(line)) inAnswer = true;
    const a = /^Address(?: \d+)?:\s+(\S+)/.exec(line);
    if (a && inAnswer) {
      const ip = a[1]!.split('#')[0]!;
      if (ipRe.test(ip) && !addresses.includes(ip)) addresses.push(ip);
    }
  }
  const nx = /can't find .*: (NXDOMAIN|SERVFAIL|REFUSED|NOERROR)/.exec(stdout);
  const timedOut = /timed out|no servers could be reached/i.test(stdout);
  return { addresses, ...(nx ? { rcode: nx[1]! } : addresses.length ? { rcode: 'NOERROR' } : {}), ...(server ? { server } : {}), ...(timedOut ? { timedOut } : {}) };
}

/** What a tool's output says: addresses, rcode, server, timeout. */
export function parseToolOutput(tool: ToolOutputEvidence['tool'], stdout: string, _exitCode: number): Parsed {
  // getent exits 2 when the name does not resolve; that shows as no addresses.
  if (tool === 'getent') return getent(stdout);
  return nslookup(stdout);
}
