/**
 * Time from start to report for each seed scenario and each variant under scenarios/variants/
 * (median of BENCH_RUNS runs, default 3), with the goal that applies (1.5 s; 4 s where the expected
 * cause is a dead resolver, a lossy path or an unreachable endpoint) and the load average, and the
 * number of Kubernetes API requests each diagnosis made. Each run starts a fresh in-process lab (its
 * start-up is recorded separately) and diagnoses the scenario's first expectation with the default
 * burst (200 at 20). Writes bench/results/diagnosis.json. Run: npx tsx bench/diagnosis.bench.ts
 * (The burst probe's rate against unbound versus dnsperf is bench/burst.bench.ts.)
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '../src/lab/scenario/load-scenario.js';
import { openCluster } from '../src/diagnosis/open-cluster.js';
import { runDiagnosis } from '../src/diagnosis/run-diagnosis.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Causes that mean a dead resolver, a lossy path or an unreachable endpoint: the report may wait out their timeouts (goal 4 s instead of 1.5 s). */
const slowPathCauses = new Set(['intermittent-timeouts', 'dns-endpoint-unreachable', 'dns-service-vip-unreachable', 'upstream-failure', 'no-ready-dns-endpoints', 'network-policy-blocks-dns', 'truncated-answer-tcp-blocked']);

const files = [
  ...readdirSync(join(root, 'scenarios')).filter((f) => /^\d{3}-.*\.yaml$/.test(f)).sort(),
  ...readdirSync(join(root, 'scenarios', 'variants')).filter((f) => f.endsWith('.yaml')).sort().map((f) => `variants/${f}`),
];
const results: Record<string, unknown>[] = [];
for (const file of files) {
  const path = join(root, 'scenarios', file);
  const first = loadScenarioFile(path).expect[0];
  if (!first) continue;
  const labStart: number[] = [];
  const toReport: number[] = [];
  const apiRequests: number[] = [];
  let verdict = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const cluster = await openCluster({ lab: path });
    const t1 = performance.now();
    try {
      const report = await runDiagnosis(cluster, { pod: first.why.pod, name: first.why.name, port: first.why.port });
      toReport.push(performance.now() - t1);
      labStart.push(t1 - t0);
      apiRequests.push(report.apiRequests ?? 0);
      verdict = `${report.verdict} [${report.findings.map((f) => f.checkId).join(', ')}]`;
    } finally {
      await cluster.close();
    }
  }
  const slowPath = (first.findings ?? []).some((f) => slowPathCauses.has(f));
  const medianMs = Math.round(median(toReport));
  const goalMs = slowPath ? 4000 : 1500;
  const row = {
    scenario: file,
    goalMs,
    goalMet: medianMs < goalMs,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    why: `${first.why.pod} ${first.why.name}`,
    verdict,
    medianTimeToReportMs: medianMs,
    timesToReportMs: toReport.map(Math.round),
    medianLabStartMs: Math.round(median(labStart)),
    apiRequests: median(apiRequests),
  };
  results.push(row);
  console.log(`${file}: ${row.medianTimeToReportMs} ms to report (lab start ${row.medianLabStartMs} ms), ${row.apiRequests} API requests, ${verdict}`);
}

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'diagnosis.json'),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), runsPerScenario: runs, loadAverage: loadavg(), results }, null, 2)}\n`,
);
