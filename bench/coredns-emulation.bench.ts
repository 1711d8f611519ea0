/**
 * CoreDNS-emulation throughput: queries per second a lab CoreDNS replica answers over real UDP, with
 * and without the cache plugin, and the same load against a real unbound in the same run, as ratios.
 * The headline ratio drives both with dnsperf in its own process (the same client for both, as a
 * pod's traffic comes from elsewhere); the in-process client's figures are kept beside it (there
 * the client's own sends share the replica's event loop). unbound and dnsperf are installed with
 * apt-get when missing.
 * Writes bench/results/coredns-emulation.json. Run: npx tsx bench/coredns-emulation.bench.ts
 * Each measurement is bounded (BENCH_SECONDS, default 3 s).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import type { ClusterState } from '../src/core/model/k8s.js';
import { startDnsWorld } from '../src/lab/dns/dns-world.js';
import { AddressMap } from '../src/lab/net/address-map.js';
import { parseScenario } from '../src/lab/scenario/load-scenario.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const inFlight = 50;
const names: [string, 'A'][] = [
  ['api.default.svc.cluster.local', 'A'],
  ['www.example.org', 'A'],
  ['nope.example.org', 'A'],
];

/** Sends queries from `bindHost` to host:port with `inFlight` outstanding for `ms`; returns answers/s. */
async function load(bindHost: string, host: string, port: number, ms: number): Promise<{ qps: number; answered: number; lost: number }> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind({ address: bindHost, port: 0 }, () => r()));
  const pending = new Map<number, NodeJS.Timeout>();
  let answered = 0;
  let lost = 0;
  let nextId = 1;
  let running = true;
  const encoded = names.map(([name, type]) => dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] }));
  const send = (): void => {
    if (!running) return;
    const id = (nextId++ % 65535) + 1;
    const q = Buffer.from(encoded[id % encoded.length]!);
    q.writeUInt16BE(id, 0);
    pending.set(id, setTimeout(() => {
      pending.delete(id);
      lost++;
      send();
    }, 1000));
    sock.send(q, port, host);
  };
  sock.on('message', (m) => {
    const id = m.readUInt16BE(0);
    const t = pending.get(id);
    if (!t) return;
    clearTimeout(t);
    pending.delete(id);
    dnsPacket.decode(m);
    answered++;
    send();
  });
  const started = performance.now();
  for (let i = 0; i < inFlight; i++) send();
  await new Promise((r) => setTimeout(r, ms));
  running = false;
  const elapsed = performance.now() - started;
  for (const t of pending.values()) clearTimeout(t);
  sock.close();
  return { qps: Math.round((answered / elapsed) * 1000), answered, lost };
}

function scenarioText(cache: boolean): string {
  return `
version: 1
name: bench-coredns-emulation
cluster: { dnsService: { ip: 10.96.0.10 } }
nodes:
  - { name: node-1, ip: 10.0.0.11, podCIDR: 10.244.1.0/24, resolvConf: "nameserver 10.0.0.2\\n" }
coredns:
  corefile: |
    .:53 {
        errors
        kubernetes cluster.local in-addr.arpa ip6.arpa {
           pods insecure
           fallthrough in-addr.arpa ip6.arpa
        }
        forward . /etc/resolv.conf
${cache ? '        cache 30\n' : ''}    }
  pods: [{ name: coredns-1, node: node-1, ip: 10.244.1.5 }]
pods: [{ namespace: default, name: client, node: node-1, ip: 10.244.1.20 }]
services: [{ namespace: default, name: api, clusterIP: 10.96.0.20, ports: [{ port: 443 }] }]
resolvers:
  - name: upstream
    ip: 10.0.0.2
    zones: [{ name: example.org, soaMinimum: 30 }]
    records: [{ name: www.example.org, type: A, values: [203.0.113.80], ttl: 300 }]
`;
}

const cluster: ClusterState = {
  namespaces: ['default', 'kube-system'],
  services: [{ namespace: 'default', name: 'api', type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ port: 443, protocol: 'TCP' }] }],
  endpoints: [],
  pods: [],
};

/** dnsperf's figures for one run of `seconds` against host:port, sent from `source`. */
interface DnsperfRun {
  qps: number;
  completed: number;
  lost: number;
}

function ensureTools(): void {
  const missing = ['unbound', 'dnsperf'].filter((t) => !['/usr/sbin/', '/usr/bin/'].some((d) => existsSync(d + t)));
  if (missing.length === 0) return;
  spawnSync('sh', ['-c', `apt-get update -qq && apt-get install -y -qq ${missing.join(' ')}`], { stdio: 'inherit' });
}

let dataFile = '';
async function dnsperf(source: string, host: string, port: number): Promise<DnsperfRun | { error: string }> {
  try {
    const { stdout } = await promisify(execFile)('dnsperf', ['-a', source, '-s', host, '-p', String(port), '-d', dataFile, '-l', String(seconds), '-q', String(inFlight), '-c', '1', '-T', '1'], { timeout: (seconds + 20) * 1000 });
    const qps = stdout.match(/Queries per second:\s+([\d.]+)/);
    if (!qps) return { error: `dnsperf printed no "Queries per second" line: ${stdout.slice(-300)}` };
    return { qps: Math.round(Number(qps[1])), completed: Number(stdout.match(/Queries completed:\s+(\d+)/)?.[1] ?? 0), lost: Number(stdout.match(/Queries lost:\s+(\d+)/)?.[1] ?? 0) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

async function emulation(cache: boolean): Promise<{ qps: number; answered: number; lost: number; dnsperf: DnsperfRun | { error: string } }> {
  const map = new AddressMap(250);
  const world = await startDnsWorld(parseScenario(scenarioText(cache), 'bench-scenario.yaml'), map, () => cluster, { seed: 1, podFiles: () => undefined });
  try {
    const dst = map.dial('10.244.1.5', 53, 'udp');
    const source = map.loopbackFor('10.244.1.20');
    await load(source, dst.host, dst.port, 300); // warm-up (fills the cache)
    const inProcess = await load(source, dst.host, dst.port, seconds * 1000);
    return { ...inProcess, dnsperf: await dnsperf(source, dst.host, dst.port) };
  } finally {
    await world.stop();
  }
}

async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind({ address: '127.0.0.1', port: 0 }, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function unbound(): Promise<{ qps: number; answered: number; lost: number; version: string; dnsperf: DnsperfRun | { error: string } } | { error: string }> {
  const dir = mkdtempSync(join(os.tmpdir(), 'dnswhy-bench-unbound-'));
  const port = await freePort();
  const conf = `server:
  interface: 127.0.0.1
  port: ${port}
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 0
  num-threads: 1
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  local-zone: "." refuse
  local-zone: "cluster.local." static
  local-data: "api.default.svc.cluster.local. 30 IN A 10.96.0.20"
  local-zone: "example.org." static
  local-data: "example.org. 30 IN SOA ns1.example.org. hostmaster.example.org. 1 3600 600 86400 30"
  local-data: "www.example.org. 300 IN A 203.0.113.80"
`;
  writeFileSync(join(dir, 'unbound.conf'), conf);
  let child: ChildProcess | undefined;
  try {
    child = spawn('unbound', ['-d', '-c', join(dir, 'unbound.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<string>((r) => child!.once('exit', (code) => r(`unbound exited with ${code}`)));
    child.once('error', () => {});
    // Ready when it answers.
    for (let i = 0; i < 100; i++) {
      const probe = await Promise.race([load('127.0.0.1', '127.0.0.1', port, 30).then((r) => (r.answered > 0 ? 'up' : 'down')), exited]);
      if (probe === 'up') break;
      if (probe !== 'down') return { error: probe };
    }
    const r = await load('127.0.0.1', '127.0.0.1', port, seconds * 1000);
    return { ...r, version: 'unbound', dnsperf: await dnsperf('127.0.0.1', '127.0.0.1', port) };
  } catch (err) {
    return { error: (err as Error).message };
  } finally {
    child?.kill('SIGTERM');
    if (child && child.exitCode === null) await new Promise((r) => child!.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

ensureTools();
const dataDir = mkdtempSync(join(os.tmpdir(), 'dnswhy-bench-dnsperf-'));
dataFile = join(dataDir, 'names.txt');
writeFileSync(dataFile, names.map(([n, t]) => `${n} ${t}`).join('\n') + '\n');
const loadBefore = os.loadavg()[0]!;
const withCache = await emulation(true);
const withoutCache = await emulation(false);
const real = await unbound();
const result = {
  benchmark: 'coredns-emulation',
  at: new Date().toISOString(),
  secondsPerMeasurement: seconds,
  inFlight,
  queryMix: names.map(([n, t]) => `${n} ${t}`),
  machine: { cpus: os.cpus().length, node: process.version, loadAverage1m: { before: Math.round(loadBefore * 100) / 100, after: Math.round(os.loadavg()[0]! * 100) / 100 } },
  emulationWithCache: withCache,
  emulationWithoutCache: withoutCache,
  unbound: real,
  // The headline: dnsperf (its own process) against the replica and against unbound, same run.
  ratioWithCacheToUnbound: 'dnsperf' in real && 'qps' in real.dnsperf && 'qps' in withCache.dnsperf ? Math.round((withCache.dnsperf.qps / real.dnsperf.qps) * 1000) / 1000 : null,
  ratioWithoutCacheToUnbound: 'dnsperf' in real && 'qps' in real.dnsperf && 'qps' in withoutCache.dnsperf ? Math.round((withoutCache.dnsperf.qps / real.dnsperf.qps) * 1000) / 1000 : null,
  goalRatio: 0.5,
  inProcessClient: {
    ratioWithCacheToUnbound: 'qps' in real ? Math.round((withCache.qps / real.qps) * 1000) / 1000 : null,
    ratioWithoutCacheToUnbound: 'qps' in real ? Math.round((withoutCache.qps / real.qps) * 1000) / 1000 : null,
  },
  note: 'Without cache every forwarded name (2 of 3) crosses the lab network twice (replica → upstream resolver), which is the cost the cache saves.',
};
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(join(import.meta.dirname, 'results', 'coredns-emulation.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
rmSync(dataDir, { recursive: true, force: true });
