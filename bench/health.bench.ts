/**
 * Time to a DNS health summary (gather + build) for three lab scenarios (median of BENCH_RUNS runs,
 * default 3), with the API requests each made and the probe pods it ran. Each run starts a fresh
 * in-process lab (start-up not counted). Writes bench/results/health.json.
 * Run: npx tsx bench/health.bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { buildHealthSummary } from '../src/core/health/index.js';
import { openCluster } from '../src/diagnosis/open-cluster.js';
import { gatherHealth } from '../src/probes/health/gather-health.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const scenarios = ['scenarios/000-hybrid-cloud-split-horizon.yaml', 'scenarios/healthy-cluster.yaml', 'scenarios/variants/coredns-not-ready.yaml'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const results: Record<string, unknown>[] = [];
for (const file of scenarios) {
  const ms: number[] = [];
  const api: number[] = [];
  let status = '';
  let probePods = 0;
  for (let i = 0; i < runs; i++) {
    const cluster = await openCluster({ lab: join(root, file) });
    try {
      const before = cluster.access.apiRequests;
      const t0 = performance.now();
      const summary = buildHealthSummary(await gatherHealth(cluster.access, { cluster: cluster.name, pollMs: 100 }));
      ms.push(performance.now() - t0);
      api.push(cluster.access.apiRequests - before);
      status = `${summary.status} [${summary.reasons.map((r) => r.severity).join(', ')}]`;
      probePods = summary.latency.rows.reduce((n, r) => n + r.cells.filter((c) => c !== null).length, 0);
    } finally {
      await cluster.close();
    }
  }
  const row = { scenario: file, status, probePods, burstPerTarget: 20, medianMs: Math.round(median(ms)), runsMs: ms.map(Math.round), apiRequests: median(api) };
  console.log(JSON.stringify(row));
  results.push(row);
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'health.json'),
  JSON.stringify({ measuredAt: new Date().toISOString(), runs, loadAverage: loadavg().map((x) => Number(x.toFixed(2))), note: 'in-process lab; probe pods poll every 100 ms', results }, null, 2) + '\n',
);
