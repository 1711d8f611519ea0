/**
 * The DNS tools a pod's image may have (`getent`, busybox `nslookup`, `dig`), run for `kubectl exec`
 * in the lab: they resolve through the lab network from the pod's own address with the pod's
 * resolv.conf and /etc/hosts, using dnswhy's stub resolver and DNS client (the same code the
 * probes run), and print what the real tools print (the formatters of src/probes/tools, checked against real busybox and dig output).
 */
import type { ExecResult } from '../../core/cluster-access.js';
import type { RecordType } from '../../core/model/dns.js';
import type { NetworkPosition } from '../../core/network-position.js';
import { parseResolvConf, usableNameservers, type Libc } from '../../core/resolver/resolv-conf.js';
import { queryDns } from '../../probes/dns/dns-client.js';
import type { TopologyPod } from '../net/topology.js';
import { lookup } from '../../probes/dns/stub-resolver.js';
import { formatDig, formatGetentAhosts, formatGetentHosts, formatNslookup, nslookupQueries } from '../../probes/tools/index.js';


/** How the tools run. */
export interface PodToolOptions {
  /** Multiplies the tools' timeouts (1 = real: glibc 5 s per try, busybox 5 s, dig 5 s × 3). */
  timeoutScale: number;
  libc: Libc;
}

const knownTypes = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'SRV', 'MX', 'PTR', 'SOA', 'NS', 'ANY', 'CAA', 'HINFO']);

function usage(tool: string, text: string, exitCode: number): ExecResult {
  return { stdout: '', stderr: `${tool}: ${text}\n`, exitCode };
}

async function getent(network: NetworkPosition, pod: TopologyPod, args: string[], files: { resolvConf: string; hosts: string }, o: PodToolOptions): Promise<ExecResult> {
  const [db, ...keys] = args;
  if (!db) return { stdout: '', stderr: 'Usage: getent [OPTION...] database [key ...]\n', exitCode: 1 };
  const families: Record<string, ('A' | 'AAAA')[]> = { ahosts: ['A', 'AAAA'], ahostsv4: ['A'], ahostsv6: ['AAAA'], hosts: ['AAAA'] };
  if (!families[db]) {
    return { stdout: '', stderr: `Unknown database: ${db}\nTry \`getent --help' or \`getent --usage' for more information.\n`, exitCode: 1 };
  }
  if (keys.length === 0) {
    // Enumeration: the files backend lists /etc/hosts (DNS cannot be enumerated).
    const lines = files.hosts.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: '', exitCode: 0 };
  }
  const conf = parseResolvConf(files.resolvConf);
  const base = { libc: o.libc, network, sourceIp: pod.ip, timeoutScale: o.timeoutScale, hosts: files.hosts };
  let stdout = '';
  let exitCode = 0;
  for (const key of keys) {
    let run: ExecResult;
    if (db === 'hosts') {
      // getent hosts: gethostbyname2(AF_INET6), then AF_INET when that finds nothing.
      const v6 = await lookup(key, conf, { ...base, families: ['AAAA'] });
      run = v6.result.ok && v6.result.addresses.length > 0 ? formatGetentHosts(v6) : formatGetentHosts(await lookup(key, conf, { ...base, families: ['A'] }));
    } else {
      run = formatGetentAhosts(await lookup(key, conf, { ...base, families: families[db] }));
    }
    stdout += run.stdout;
    if (run.exitCode !== 0) exitCode = run.exitCode;
  }
  return { stdout, stderr: '', exitCode };
}

async function nslookup(network: NetworkPosition, pod: TopologyPod, args: string[], files: { resolvConf: string }, o: PodToolOptions): Promise<ExecResult> {
  let types: RecordType[] = ['A', 'AAAA'];
  const rest: string[] = [];
  for (const a of args) {
    const m = /^-(?:type|query|q|t)=(.+)$/i.exec(a);
    if (m) {
      const t = m[1]!.toUpperCase();
      if (!knownTypes.has(t)) return usage('nslookup', `invalid query type "${m[1]}"`, 1);
      types = [t];
    } else if (a === '-debug' || a === '-d') continue;
    else if (a.startsWith('-')) return { stdout: '', stderr: 'Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n', exitCode: 1 };
    else rest.push(a);
  }
  const [name, serverArg] = rest;
  if (!name) return { stdout: '', stderr: 'Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n', exitCode: 1 };
  const conf = parseResolvConf(files.resolvConf);
  const server = serverArg ?? usableNameservers(conf)[0] ?? '127.0.0.1';
  // busybox sends every query at once and waits up to 5 s for the replies.
  const timeoutMs = Math.max(100, Math.round(5000 * o.timeoutScale));
  const queries = nslookupQueries(name, conf, types);
  const results = await Promise.all(queries.map((q) => queryDns({ ip: server, port: 53 }, q.qname, q.qtype, { network, sourceIp: pod.ip, timeoutMs, tries: 1 })));
  return formatNslookup(server, results);
}

async function dig(network: NetworkPosition, pod: TopologyPod, args: string[], files: { resolvConf: string }, o: PodToolOptions): Promise<ExecResult> {
  let server: string | undefined;
  let name: string | undefined;
  let type: RecordType | undefined;
  let short = false;
  let tcp = false;
  for (const a of args) {
    if (a.startsWith('@')) server = a.slice(1);
    else if (a === '+short') short = true;
    else if (a === '+tcp' || a === '+vc') tcp = true;
    else if (a === '+notcp' || a === '+novc') tcp = false;
    else if (a.startsWith('+')) continue; // display options dig accepts; the lab prints the default layout
    else if (a.startsWith('-')) return usage('dig', `invalid option: ${a}`, 1);
    else if (name !== undefined && type === undefined && knownTypes.has(a.toUpperCase())) type = a.toUpperCase();
    else if (name === undefined) name = a;
    else return usage('dig', `extra argument: ${a}`, 1);
  }
  const conf = parseResolvConf(files.resolvConf);
  const target = server ?? usableNameservers(conf)[0] ?? '127.0.0.1';
  const timeoutMs = Math.max(100, Math.round(5000 * o.timeoutScale));
  const id = Math.floor(Math.random() * 65536);
  const r = await queryDns({ ip: target, port: 53 }, name ?? '.', type ?? (name ? 'A' : 'NS'), {
    network,
    sourceIp: pod.ip,
    timeoutMs,
    tries: tcp ? 1 : 3,
    transport: tcp ? 'tcp' : 'udp',
  });
  return formatDig(r, { args, server: { ip: target, port: 53 }, short, tries: tcp ? 1 : 3, id });
}

/**
 * Runs `argv` (getent / nslookup / dig, by basename) in `pod`. `files` are the pod's generated
 * resolv.conf and hosts; without them the tool fails as it would with no /etc/resolv.conf access.
 */
export async function runPodTool(
  network: NetworkPosition,
  pod: TopologyPod,
  argv: string[],
  files: { resolvConf: string; hosts: string } | undefined,
  o: PodToolOptions,
): Promise<ExecResult> {
  const tool = (argv[0] ?? '').split('/').pop() ?? '';
  if (!files) return usage(tool || 'exec', `no /etc/resolv.conf for pod ${pod.namespace}/${pod.name}`, 1);
  switch (tool) {
    case 'getent':
      return getent(network, pod, argv.slice(1), files, o);
    case 'nslookup':
      return nslookup(network, pod, argv.slice(1), files, o);
    case 'dig':
      return dig(network, pod, argv.slice(1), files, o);
    default:
      return usage(tool || 'exec', 'not a DNS tool the lab emulates (getent, nslookup, dig)', 127);
  }
}
