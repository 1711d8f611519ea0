/**
 * Trends across summaries: one small point per summary, and whether the latest point is worse
 * enough than the ones before it that a chart helps ("a chart image when a trend
 * matters"). Pure.
 */
import type { HealthSummary } from './model.js';

/** What is kept of a summary for trends. */
export interface TrendPoint {
  at: string;
  /** Worst p90 (ms) to the DNS Service over the sample nodes; null without a sample. */
  p90Ms: number | null;
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
    lossPct: service.length ? Math.max(...service.map((c) => c.lossPct)) : null,
    servfailPct: s.traffic.servfailRatio === null ? null : s.traffic.servfailRatio * 100,
    requests: s.traffic.requests,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
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
