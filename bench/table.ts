/**
 * The README's benchmark table, from bench/results/*.json: each goal beside the figure measured and
 * the 1-minute load average when it was measured. Prints Markdown; with --write, replaces the part
 * of README.md between the bench-table markers. Run after `npm run bench`: npx tsx bench/table.ts --write
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const results = join(root, 'bench', 'results');

function read<T>(name: string): T | undefined {
  const f = join(results, `${name}.json`);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as T) : undefined;
}

const s = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? 'not measured' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const yes = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? 'yes' : '**no**');
const la = (x: number | { before: number; after: number } | undefined) => (x === undefined ? '–' : typeof x === 'number' ? x.toFixed(2) : `${x.before.toFixed(2)} → ${x.after.toFixed(2)}`);

interface Ack {
  at: string;
  app: { p99Ms: number; p50Ms: number; loadAverage1m: { before: number; after: number } };
  allInOne: { p99Ms: number; p50Ms: number; loadAverage1m: { before: number; after: number } };
}
interface DiagnosisRow {
  scenario: string;
  goalMs: number;
  goalMet: boolean;
  medianTimeToReportMs: number;
  loadAverage1m: number;
  verdict: string;
}
interface Diagnosis {
  measuredAt: string;
  results: DiagnosisRow[];
}
interface Slack {
  at: string;
  commandToReport: { scenario: string; firstCauseMs?: number; commandToReportMs: number; loadAverage1m?: number }[];
}
interface Scale {
  at: string;
  labStartup: { readyMs: number; rssMb: number; loadAverage1m: number };
  kubectlGetPodsAll: { ms: number; load: number; clientSideThrottlingWaits: number; unchunked: { ms: number; load: number } };
  health: { ms: number; peakRssMb: number; load: number; status: string };
  why: { ms: number; load: number; verdict: string; sameVerdictAsSmallLab: boolean };
}
interface Coredns {
  at: string;
  machine: { loadAverage1m: number | { before: number; after: number } };
  ratioWithCacheToUnbound: number | null;
}

export function benchTable(): string {
  const ack = read<Ack>('ack');
  const diag = read<Diagnosis>('diagnosis');
  const slack = read<Slack>('slack');
  const scale = read<Scale>('scale');
  const dns = read<Coredns>('coredns-emulation');
  const rows: string[][] = [];
  if (ack) {
    rows.push(['ack p99, 200 signed `/dns why` 50 at a time, `serve --role app` in its own process, after a warm-up batch', '< 20 ms', s(ack.app.p99Ms), la(ack.app.loadAverage1m), yes(ack.app.p99Ms < 20)]);
    rows.push(['ack p99, same load, `serve` all-in-one with the lab and its worker', '< 50 ms', s(ack.allInOne.p99Ms), la(ack.allInOne.loadAverage1m), yes(ack.allInOne.p99Ms < 50)]);
  }
  if (diag) {
    const fast = diag.results.filter((r) => r.goalMs === 1500);
    const slow = diag.results.filter((r) => r.goalMs !== 1500);
    const worst = (xs: DiagnosisRow[]) => xs.reduce((a, b) => (b.medianTimeToReportMs > a.medianTimeToReportMs ? b : a), xs[0]!);
    const loads = (xs: DiagnosisRow[]) => `${Math.min(...xs.map((r) => r.loadAverage1m ?? NaN)).toFixed(2)}–${Math.max(...xs.map((r) => r.loadAverage1m ?? NaN)).toFixed(2)}`;
    if (fast.length) rows.push([`command to report, p50 per seed scenario and variant (${fast.length} scenarios)`, '< 1.5 s each', `${fast.filter((r) => r.goalMet).length} of ${fast.length} met; slowest ${s(worst(fast).medianTimeToReportMs)} (${worst(fast).scenario})`, loads(fast), yes(fast.every((r) => r.goalMet))]);
    if (slow.length) rows.push([`command to report with a dead resolver, lossy path or unreachable endpoint (${slow.length} scenarios)`, '< 4 s', `${slow.filter((r) => r.goalMet).length} of ${slow.length} met; slowest ${s(worst(slow).medianTimeToReportMs)} (${worst(slow).scenario})`, loads(slow), yes(slow.every((r) => r.goalMet))]);
  }
  if (slack) {
    const firsts = slack.commandToReport.filter((r) => r.firstCauseMs !== undefined);
    const worst = firsts.reduce((a, b) => ((b.firstCauseMs ?? 0) > (a.firstCauseMs ?? 0) ? b : a), firsts[0]!);
    if (firsts.length) rows.push(['first message in the thread that names the cause (Slack, through Redis and the worker)', '< 1 s on every seed', `slowest ${s(worst.firstCauseMs)} (${worst.scenario})`, la(worst.loadAverage1m), yes(firsts.every((r) => (r.firstCauseMs ?? Infinity) < 1000))]);
  }
  if (scale) {
    rows.push(['lab start-up, 1,000 nodes / 30,000 pods / a Service per Deployment', '< 10 s, < 600 MB RSS', `${s(scale.labStartup.readyMs)}, ${scale.labStartup.rssMb} MB`, la(scale.labStartup.loadAverage1m), yes(scale.labStartup.readyMs < 10_000 && scale.labStartup.rssMb < 600)]);
    rows.push(['`dnswhy health` on that lab (pods listed 500 a page)', '< 10 s, < 300 MB', `${s(scale.health.ms)}, ${scale.health.peakRssMb} MB peak (${scale.health.status})`, la(scale.health.load), yes(scale.health.ms < 10_000 && scale.health.peakRssMb < 300)]);
    rows.push(['`dnswhy why` on one pod of that lab', '< 2 s, same verdict as a small cluster', `${s(scale.why.ms)}, ${scale.why.verdict}${scale.why.sameVerdictAsSmallLab ? ' (same as the small lab)' : ' (differs from the small lab)'}`, la(scale.why.load), yes(scale.why.ms < 2000 && scale.why.sameVerdictAsSmallLab)]);
    rows.push(['`kubectl get pods -A` against that lab', '< 3 s', `${s(scale.kubectlGetPodsAll.ms)} (${scale.kubectlGetPodsAll.clientSideThrottlingWaits} client-side throttling waits); ${s(scale.kubectlGetPodsAll.unchunked.ms)} with --chunk-size=0`, la(scale.kubectlGetPodsAll.load), yes(scale.kubectlGetPodsAll.ms < 3000)]);
  }
  if (dns) rows.push(['emulated CoreDNS qps / unbound qps, same run (dnsperf against both)', '≥ 0.5', dns.ratioWithCacheToUnbound === null ? 'not measured' : dns.ratioWithCacheToUnbound.toFixed(2), la(dns.machine.loadAverage1m), yes(dns.ratioWithCacheToUnbound === null ? undefined : dns.ratioWithCacheToUnbound >= 0.5)]);
  const head = ['measure', 'goal', 'measured', 'load average (1 min)', 'met'];
  const md = [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const perScenario = diag
    ? `\n\nCommand to report per scenario (median of 3 runs, in-process lab, ${diag.measuredAt.slice(0, 16)} UTC):\n\n| scenario | verdict | goal | median | load average (1 min) |\n|---|---|---|---|---|\n${diag.results.map((r) => `| ${r.scenario} | ${r.verdict} | ${s(r.goalMs)} | ${s(r.medianTimeToReportMs)} | ${r.loadAverage1m?.toFixed(2) ?? '–'} |`).join('\n')}`
    : '';
  return `${md}${perScenario}\n`;
}

const start = '<!-- bench-table:start (npx tsx bench/table.ts --write) -->';
const end = '<!-- bench-table:end -->';
const table = benchTable();
if (process.argv.includes('--write')) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} section`);
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n${table}${text.slice(b)}`);
  console.log('README.md benchmark table updated');
} else process.stdout.write(table);
