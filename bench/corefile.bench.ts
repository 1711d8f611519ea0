/**
 * Corefile engine speed: parse time of a generated 2,000-line Corefile and explain() queries per second
 * over a mix of names (kubernetes, hosts, stub-zone forwards, template, root forward, REFUSED-free).
 * Writes bench/results/corefile.json. Run: npx tsx bench/corefile.bench.ts (bounded: BENCH_SECONDS, default 2).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { CorefileServer, explain, type DnsMessage, type EvalQuery } from '../src/core/corefile/evaluate/index.js';
import { parseCorefile } from '../src/core/corefile/parse.js';
import { checkCorefile } from '../src/core/corefile/validate.js';
import type { ClusterState } from '../src/core/model/k8s.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const targetLines = 2000;

/** A large but realistic Corefile: the stock . block with a big hosts list, then many stub-zone blocks. */
function generateCorefile(): string {
  const lines: string[] = ['.:53 {', '    errors', '    health {', '       lameduck 5s', '    }', '    ready',
    '    kubernetes cluster.local in-addr.arpa ip6.arpa {', '       pods insecure', '       fallthrough in-addr.arpa ip6.arpa', '       ttl 30', '    }',
    '    rewrite name suffix .corp.internal .default.svc.cluster.local answer auto',
    '    template IN A example.test {', '       match "^ip-(?P<a>[0-9]+)-(?P<b>[0-9]+)-(?P<c>[0-9]+)-(?P<d>[0-9]+)[.]example[.]test[.]$"',
    '       answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"', '       fallthrough', '    }',
    '    hosts {'];
  for (let i = 0; i < 600; i++) lines.push(`        10.${100 + (i >> 8)}.${i & 255}.1 host-${i}.pinned.example`);
  lines.push('        fallthrough', '    }', '    prometheus :9153', '    forward . /etc/resolv.conf {', '       max_concurrent 1000', '    }',
    '    cache 30', '    loop', '    reload', '    loadbalance', '}');
  let z = 0;
  while (lines.length < targetLines - 8) {
    lines.push(`# stub zone ${z}`, `zone${z}.corp.example:53 {`, '    errors', '    cache 30', `    forward . 10.20.${z >> 8}.${z & 255} 10.21.${z >> 8}.${z & 255} {`, '       policy sequential', '    }', '}');
    z++;
  }
  while (lines.length < targetLines) lines.push('');
  return `${lines.join('\n')}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const text = generateCorefile();
const lineCount = text.split('\n').length - 1;
const parseMs: number[] = [];
const checkMs: number[] = [];
let parsed = parseCorefile(text);
for (let i = 0; i < 15; i++) {
  let t = performance.now();
  parsed = parseCorefile(text);
  parseMs.push(performance.now() - t);
  t = performance.now();
  checkCorefile(text);
  checkMs.push(performance.now() - t);
}
if (!parsed.ok) throw new Error(`generated Corefile does not parse: ${parsed.diagnostics.find((d) => d.severity === 'error')?.message}`);

const cluster: ClusterState = {
  namespaces: ['default', 'kube-system'],
  services: Array.from({ length: 200 }, (_, i) => ({ namespace: 'default', name: `svc-${i}`, type: 'ClusterIP', clusterIP: `10.96.${i >> 8}.${i & 255}`, ports: [{ port: 80, protocol: 'TCP' }] })),
  endpoints: [],
  pods: [],
};
const world = { cluster, nodeResolvers: ['192.0.2.53', '192.0.2.54'] };
const client = '10.244.1.7';
const mix: EvalQuery[] = [
  { name: 'svc-17.default.svc.cluster.local', type: 'A', client },
  { name: 'nope.default.svc.cluster.local', type: 'A', client },
  { name: 'host-321.pinned.example', type: 'A', client },
  { name: 'www.zone123.corp.example', type: 'A', client },
  { name: 'ip-10-1-2-3.example.test', type: 'A', client },
  { name: 'svc-5.corp.internal', type: 'A', client },
  { name: 'www.google.com', type: 'AAAA', client },
  { name: '9.1.96.10.in-addr.arpa', type: 'PTR', client },
];
// Warm up (chains are built once per model and world).
for (const q of mix) explain(parsed.model, q, world);
let n = 0;
const deadline = performance.now() + seconds * 1000;
const t0 = performance.now();
while (performance.now() < deadline) {
  for (const q of mix) explain(parsed.model, q, world);
  n += mix.length;
}
const elapsed = (performance.now() - t0) / 1000;

// CorefileServer on the same Corefile with an in-memory upstream (no sockets): warm-cache qps.
const upstream = async (_u: { ip: string; port: number }, q: DnsMessage): Promise<DnsMessage> => ({
  id: q.id, type: 'response', flags: 0x8180, questions: q.questions,
  answers: [{ name: q.questions![0]!.name, type: 'A', class: 'IN', ttl: 300, data: '198.51.100.1' }],
});
let clock = 0;
const server = new CorefileServer(parsed.model, world, { now: () => clock, random: Math.random, exchange: upstream });
const serverMix = mix.filter((q) => q.type === 'A');
let served = 0;
const s0 = performance.now();
const sDeadline = s0 + seconds * 1000;
while (performance.now() < sDeadline) {
  for (const q of serverMix) {
    await server.handle({ id: served & 0xffff, type: 'query', flags: 0x0100, questions: [{ name: q.name, type: q.type, class: 'IN' }] }, { ip: client, port: 40000, proto: 'udp' });
    served++;
  }
  clock += 1;
}
const sElapsed = (performance.now() - s0) / 1000;

const result = {
  benchmark: 'corefile',
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version },
  corefile: { lines: lineCount, bytes: text.length, serverBlocks: parsed.model.blocks.length },
  parseMs: { median: Number(median(parseMs).toFixed(2)), min: Number(Math.min(...parseMs).toFixed(2)), runs: parseMs.length },
  parseAndValidateMs: { median: Number(median(checkMs).toFixed(2)), runs: checkMs.length },
  server: { queriesPerSecond: Math.round(served / sElapsed), queries: served, note: 'CorefileServer.handle with an in-memory upstream, cache warm after the first round' },
  explain: { queriesPerSecond: Math.round(n / elapsed), queries: n, seconds: Number(elapsed.toFixed(2)), mix: mix.map((q) => `${q.name} ${q.type}`) },
};
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'corefile.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
