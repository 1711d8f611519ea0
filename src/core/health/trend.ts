/**
 * Trends across summaries: one small point per summary, and whether the latest point is worse
 * enough than the ones before it that a chart helps ("a chart image when a trend
 * matters"). Pure.
 */
import type { HealthSummary } from './model.js';
import { median } from '../median.js';

/** What is kept of a summary for trends. */
export interface TrendPoint {
  at: string;
  /** Worst p90 (ms) to the DNS Service over the sample nodes; null without a sample. */
  p90Ms: number | null;
  /** Worst p50 (ms) over the same cells (absent in points kept by older versions). */
  p50Ms?: number | null;
  /** Worst loss (%) to the DNS Service over the sample nodes; null without a sample. */
  lossPct: number | null;
  /** SERVFAIL share of responses in the summary's window (%); null without traffic. */
  servfailPct: number | null;
  requests: number;
}

export type TrendMetric = 'p90Ms' | 'lossPct' | 'servfailPct';

/** Labels and units for charts. */
export const trendMetricLabel: Record<TrendMetric, string> = {
  p90Ms: 'p90 latency to the DNS Service (ms)',
  lossPct: 'loss to the DNS Service (%)',
  servfailPct: 'SERVFAIL share of responses (%)',
};

/** The trend point of a summary. */
export function trendPointOf(s: HealthSummary): TrendPoint {
  const service = s.latency.rows.map((r) => r.cells[0]).filter((c): c is NonNullable<typeof c> => c != null);
  return {
    at: s.at,
    p90Ms: service.length ? Math.max(...service.map((c) => c.p90Ms)) : null,
    p50Ms: service.length ? Math.max(...service.map((c) => c.p50Ms)) : null,
    lossPct: service.length ? Math.max(...service.map((c) => c.lossPct)) : null,
    servfailPct: s.traffic.servfailRatio === null ? null : s.traffic.servfailRatio * 100,
    requests: s.traffic.requests,
  };
}

/** Smallest rise over the earlier median that counts, per metric: [absolute, factor]. */
const rise: Record<TrendMetric, { abs: number; factor: number }> = {
  p90Ms: { abs: 20, factor: 2 },
  lossPct: { abs: 1, factor: 1 },
  servfailPct: { abs: 1, factor: 1 },
};

/**
 * Whether a trend matters: at least 3 points (oldest first) and the latest is clearly worse than the
 * median of the earlier ones for some metric (the first such metric in the order loss, SERVFAIL, p90).
 */
export function trendThatMatters(points: TrendPoint[]): { metric: TrendMetric; why: string } | undefined {
  if (points.length < 3) return undefined;
  const latest = points[points.length - 1]!;
  for (const metric of ['lossPct', 'servfailPct', 'p90Ms'] as const) {
    const now = latest[metric];
    const before = points.slice(0, -1).map((p) => p[metric]).filter((v): v is number => v !== null);
    if (now === null || before.length < 2) continue;
    const base = median(before);
    const r = rise[metric];
    if (now - base >= r.abs && now >= base * r.factor) {
      const unit = metric === 'p90Ms' ? ' ms' : '%';
      return { metric, why: `${trendMetricLabel[metric].replace(/ \(.*\)$/, '')} is ${now.toFixed(metric === 'p90Ms' ? 0 : 1)}${unit}, up from a median of ${base.toFixed(metric === 'p90Ms' ? 0 : 1)}${unit} over the previous ${before.length} summaries` };
    }
  }
  return undefined;
}

/** The unit of each metric, as axes and text trends show it. */
export const trendMetricUnit: Record<TrendMetric, string> = { p90Ms: 'ms', lossPct: '%', servfailPct: '%' };

/** The level above which the latest point of a metric counts as clearly worse (the chart's threshold line). */
export function trendThreshold(points: TrendPoint[], metric: TrendMetric): number | undefined {
  const before = points.slice(0, -1).map((p) => p[metric]).filter((v): v is number => v !== null);
  if (before.length < 2) return undefined;
  const base = median(before);
  const r = rise[metric];
  return Math.max(base + r.abs, base * r.factor);
}

/** What a trend chart shows: a title, the metric and its unit, dated points, one or more series, the threshold. */
export interface TrendChart {
  metric: TrendMetric;
  title: string;
  /** "p90 latency to the DNS Service", for the y axis with its unit. */
  label: string;
  unit: string;
  why: string;
  /** ISO times of the points, oldest first. */
  at: string[];
  series: { name: string; values: (number | null)[] }[];
  threshold?: { value: number; label: string };
}

/**
 * The chart of a trend that matters: the latency chart shows p50 beside p90 (when the points have
 * it), the others their one series; the threshold is where the latest point starts to count.
 */
export function trendChartOf(points: TrendPoint[], metric: TrendMetric, cluster: string, why: string): TrendChart {
  const label = trendMetricLabel[metric].replace(/ \(.*\)$/, '');
  const series = [{ name: metric === 'p90Ms' ? 'p90' : label, values: points.map((p) => p[metric]) }];
  if (metric === 'p90Ms' && points.some((p) => p.p50Ms != null)) series.unshift({ name: 'p50', values: points.map((p) => p.p50Ms ?? null) });
  const t = trendThreshold(points, metric);
  const r = rise[metric];
  return {
    metric,
    title: `${cluster}: ${label}`,
    label,
    unit: trendMetricUnit[metric],
    why,
    at: points.map((p) => p.at),
    series,
    ...(t !== undefined ? { threshold: { value: t, label: `alert above ${t.toFixed(metric === 'p90Ms' ? 0 : 1)} ${trendMetricUnit[metric]} (median ${r.factor > 1 ? `× ${r.factor}` : ''}${r.factor > 1 ? ' and ' : ''}+ ${r.abs} ${trendMetricUnit[metric]})` } } : {}),
  };
}

const sparks = '▁▂▃▄▅▆▇█';

/** A sparkline of values (null: a gap, shown as a space). */
export function sparkline(values: (number | null)[]): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return ' '.repeat(values.length);
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  return values.map((v) => (v === null ? ' ' : sparks[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (sparks.length - 1))]!)).join('');
}

/** The last `n` summaries in text, one line per metric: a sparkline, then first → latest with the unit. */
export function trendLines(points: TrendPoint[], n = 7): string[] {
  const recent = points.slice(-n);
  if (recent.length < 2) return [];
  const width = Math.max(...(['p90Ms', 'lossPct', 'servfailPct'] as const).map((m) => trendMetricLabel[m].length));
  return (['p90Ms', 'lossPct', 'servfailPct'] as const).flatMap((m) => {
    const values = recent.map((p) => p[m]);
    const known = values.filter((v): v is number => v !== null);
    if (known.length === 0) return [];
    const fmt = (v: number) => `${v.toFixed(m === 'p90Ms' ? 0 : 1)}`;
    return [`${trendMetricLabel[m].padEnd(width)}  ${sparkline(values)}  ${fmt(known[0]!)} → ${fmt(known[known.length - 1]!)} ${trendMetricUnit[m]}`];
  });
}
