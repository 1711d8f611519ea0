/**
 * Formatters print what the real tools print: dig's plain output is compared line by line with the
 * installed dig against the same unbound; every formatter's output parses back to its input.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResolvConf } from '../../../src/core/resolver/resolv-conf.js';
import { type DnsQueryResult, queryDns } from '../../../src/probes/dns/dns-client.js';
import type { LookupResult } from '../../../src/probes/dns/stub-resolver.js';
import { formatDig, formatGetentAhosts, formatGetentHosts, formatNslookup, nslookupQueries, parseDig, parseGetent, parseNslookup } from '../../../src/probes/tools/index.js';
import { type UnboundServer, startUnbound } from '../dns/helpers/unbound.js';

const run = promisify(execFile);
let unbound: UnboundServer;
beforeAll(async () => {
  unbound = await startUnbound([
    'local-zone: "corp.example." static',
    'local-data: "corp.example. 30 IN SOA a.public-ns.example. nobody.public-ns.example. 1 1800 900 604800 30"',
    'local-data: "git.corp.example. 30 IN A 10.30.0.5"',
    'local-data: "multi.corp.example. 30 IN A 10.30.0.6"',
    'local-data: "www.corp.example. 30 IN CNAME git.corp.example."',
  ]);
});
afterAll(async () => {
  await unbound?.stop();
});

/** Drops the lines that differ between any two runs (id, timings, date). */
function stable(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^;; (Query time|WHEN):/.test(l))
    .map((l) => l.replace(/id: \d+/, 'id: N'));
}

describe('formatDig matches the real dig', () => {
  for (const name of ['git.corp.example', 'nope.corp.example', 'example.org', 'multi.corp.example', 'www.corp.example']) {
    it(`plain output for ${name}`, async () => {
      const args = [`@${unbound.host}`, '-p', String(unbound.port), name];
      const real = (await run('dig', args)).stdout;
      const r = await queryDns({ ip: unbound.host, port: unbound.port }, name, 'A');
      const ours = formatDig(r, { args, server: { ip: unbound.host, port: unbound.port } });
      const withoutSize = (t: string) => stable(t).filter((l) => !l.startsWith(';; MSG SIZE'));
      expect(withoutSize(ours.stdout)).toEqual(withoutSize(real));
      expect(ours.exitCode).toBe(0);
      expect(parseDig(ours.stdout)).toEqual(parseDig(real));
    });
  }

  it('message size of a plain A answer is exact', async () => {
    const args = [`@${unbound.host}`, '-p', String(unbound.port), 'git.corp.example'];
    const real = (await run('dig', args)).stdout;
    const r = await queryDns({ ip: unbound.host, port: unbound.port }, 'git.corp.example', 'A');
    expect(stable(formatDig(r, { args, server: { ip: unbound.host, port: unbound.port } }).stdout)).toEqual(stable(real));
  });

  it('+short', async () => {
    const real = (await run('dig', ['+short', `@${unbound.host}`, '-p', String(unbound.port), 'www.corp.example'])).stdout;
    const r = await queryDns({ ip: unbound.host, port: unbound.port }, 'www.corp.example', 'A');
    expect(formatDig(r, { args: [], server: { ip: unbound.host, port: unbound.port }, short: true }).stdout).toBe(real);
  });

  it('no reply: one communications error per try, exit 9, like the real dig against a closed port', async () => {
    const args = ['+tries=2', '+time=1', `@${unbound.host}`, '-p', '1', 'git.corp.example'];
    const real = await run('dig', args).catch((e: { stdout: string; code: number }) => e);
    const r = await queryDns({ ip: unbound.host, port: 1 }, 'git.corp.example', 'A', { tries: 1, timeoutMs: 300 });
    expect(r.outcome).toBe('refused');
    const ours = formatDig({ ...r, tries: 2 }, { args, server: { ip: unbound.host, port: 1 } });
    expect(ours.exitCode).toBe((real as { code: number }).code);
    expect(stable(ours.stdout)).toEqual(stable((real as { stdout: string }).stdout));
  });
});

const base: Omit<DnsQueryResult, 'qname' | 'outcome'> = { server: { ip: '10.96.0.10', port: 53 }, qtype: 'A', answers: [], authority: [], latencyMs: 1, tries: 1, transport: 'udp' };
const answer = (qname: string, qtype: string, rcode: string, data: string[], aa = true): DnsQueryResult => ({
  ...base,
  qname,
  qtype,
  outcome: 'answer',
  rcode,
  aa,
  answers: data.map((d) => ({ name: qname, type: qtype, ttl: 30, data: d })),
});

describe('formatNslookup (busybox 1.35)', () => {
  it('prints the captured busybox success sample exactly', () => {
    const out = formatNslookup('127.0.1.20', [answer('git.corp.example.', 'A', 'NOERROR', ['10.30.0.5']), answer('git.corp.example.', 'AAAA', 'NOERROR', [])]);
    expect(out).toEqual({ stdout: 'Server:\t\t127.0.1.20\nAddress:\t127.0.1.20:53\n\nName:\tgit.corp.example\nAddress: 10.30.0.5\n\n\n', stderr: '', exitCode: 0 });
  });

  it('prints the NXDOMAIN sample (once for A, once for AAAA), exit 1', () => {
    const out = formatNslookup('127.0.1.30', [answer('nope.corp.example.', 'A', 'NXDOMAIN', []), answer('nope.corp.example.', 'AAAA', 'NXDOMAIN', [])]);
    expect(out.stdout).toBe("Server:\t\t127.0.1.30\nAddress:\t127.0.1.30:53\n\n** server can't find nope.corp.example: NXDOMAIN\n\n** server can't find nope.corp.example: NXDOMAIN\n\n");
    expect(out.exitCode).toBe(1);
  });

  it('timeout and closed port', () => {
    expect(formatNslookup('127.0.1.60', [{ ...base, qname: 'x.', outcome: 'timeout' }])).toEqual({ stdout: ';; connection timed out; no servers could be reached\n', stderr: '', exitCode: 1 });
    expect(formatNslookup('127.0.1.99', [{ ...base, qname: 'x.', outcome: 'refused' }]).stderr).toBe("nslookup: write to '127.0.1.99': Connection refused\n");
  });

  it('non-authoritative answers are marked; the queries follow the busybox search rule', () => {
    const out = formatNslookup('10.96.0.10', [answer('s3.example.com.', 'A', 'NOERROR', ['203.0.113.9'], false)]);
    expect(out.stdout).toContain('Non-authoritative answer:\nName:\ts3.example.com\nAddress: 203.0.113.9\n');
    const conf = parseResolvConf('search ns.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    expect(nslookupQueries('kubernetes', conf).map((q) => `${q.qtype} ${q.qname}`)).toEqual([
      'A kubernetes.ns.svc.cluster.local.',
      'A kubernetes.svc.cluster.local.',
      'A kubernetes.cluster.local.',
      'AAAA kubernetes.ns.svc.cluster.local.',
      'AAAA kubernetes.svc.cluster.local.',
      'AAAA kubernetes.cluster.local.',
    ]);
  });

  it('round-trips through parseNslookup', () => {
    for (const results of [
      [answer('a.example.', 'A', 'NOERROR', ['10.0.0.1', '10.0.0.2'])],
      [answer('a.example.', 'A', 'NXDOMAIN', [])],
      [answer('a.example.', 'A', 'NOERROR', ['10.0.0.1'], false), answer('a.example.', 'AAAA', 'NOERROR', ['fd00::1'], false)],
    ]) {
      const parsed = parseNslookup(formatNslookup('10.96.0.10', results).stdout);
      expect(parsed.addresses).toEqual(results.flatMap((r) => r.answers.map((a) => a.data)));
      expect(parsed.server).toBe('10.96.0.10');
    }
  });
});

const lookupResult = (addresses: string[], ok = true): LookupResult => ({
  kind: 'lookup',
  libc: 'glibc',
  name: 'api',
  queries: [],
  result: ok ? { ok, addresses, finalName: 'api.default.svc.cluster.local.' } : { ok, addresses: [], error: 'NXDOMAIN' },
  totalMs: 3,
});

describe('getent formatters', () => {
  it('ahosts prints STREAM/DGRAM/RAW per address, canonical name on the first line, like glibc', () => {
    expect(formatGetentAhosts(lookupResult(['10.96.0.20'])).stdout).toBe(
      '10.96.0.20      STREAM api.default.svc.cluster.local\n10.96.0.20      DGRAM  \n10.96.0.20      RAW    \n',
    );
    expect(formatGetentAhosts(lookupResult([], false))).toEqual({ stdout: '', stderr: '', exitCode: 2 });
  });

  it('hosts prefers IPv6 addresses when there are any', () => {
    expect(formatGetentHosts(lookupResult(['10.0.0.1', 'fd00::1'])).stdout).toBe('fd00::1         api.default.svc.cluster.local\n');
    expect(formatGetentHosts(lookupResult(['10.0.0.1'])).stdout).toBe('10.0.0.1        api.default.svc.cluster.local\n');
  });

  it('round-trips through parseGetent', () => {
    for (const addrs of [['10.0.0.1'], ['10.0.0.1', '10.0.0.2'], []]) {
      const out = formatGetentAhosts(lookupResult(addrs, addrs.length > 0));
      expect(parseGetent(out.stdout, out.exitCode).addresses).toEqual(addrs);
    }
  });
});
