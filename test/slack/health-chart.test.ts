/**
 * Trend charts say what they show: a title with the reason, the metric and its unit, a dated time
 * axis, a legend only when there is more than one series, and the threshold line. Each kind is
 * rendered to SVG (Vega) and PNG (resvg); set DNSWHY_CHART_DIR to keep the PNGs and look at them
 * (docs/tools/render-charts.ts writes the ones in docs/img).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trendChartOf, trendLines, sparkline, type TrendMetric, type TrendPoint } from '../../src/core/health/trend.js';
import { renderTrendPng, renderTrendSvg } from '../../src/slack/blocks/health-chart.js';

/** Six summaries a day apart, the last one clearly worse. */
export function samplePoints(): TrendPoint[] {
  const base = Date.parse('2026-12-01T09:00:00Z');
  const p90 = [12, 14, 11, 13, 12, 61];
  const p50 = [4, 5, 4, 4, 5, 22];
  const loss = [0, 0, 0.5, 0, 0, 4];
  const servfail = [0.1, 0.2, 0.1, null, 0.2, 3.8];
  return p90.map((v, i) => ({ at: new Date(base + i * 86_400_000).toISOString(), p90Ms: v, p50Ms: p50[i]!, lossPct: loss[i]!, servfailPct: servfail[i]!, requests: 1000 }));
}

function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

const kinds: { metric: TrendMetric; file: string; unit: string; series: string[] }[] = [
  { metric: 'p90Ms', file: 'health-trend-latency.png', unit: '(ms)', series: ['p50', 'p90'] },
  { metric: 'lossPct', file: 'health-trend-loss.png', unit: '(%)', series: ['loss to the DNS Service'] },
  { metric: 'servfailPct', file: 'health-trend-servfail.png', unit: '(%)', series: ['SERVFAIL share of responses'] },
];

describe('trend charts', () => {
  for (const k of kinds) {
    it(`${k.metric}: title and reason, metric and unit, dated axis, ${k.series.length > 1 ? 'a legend' : 'no legend'}, the threshold; a PNG`, async () => {
      const chart = trendChartOf(samplePoints(), k.metric, 'prod-eu', 'it rose');
      const svg = await renderTrendSvg(chart);
      expect(svg).toContain(chart.title);
      expect(svg).toContain('it rose');
      expect(svg).toContain(`${chart.label} ${k.unit}`);
      expect(svg).toContain('time of the summary (UTC)');
      expect(svg).toMatch(/Dec 0[1-6] 09:00/);
      expect(svg).toContain(chart.threshold!.label);
      // A legend names each series only when there are several.
      for (const s of k.series) expect(svg.includes(`>${s}<`)).toBe(k.series.length > 1);
      const png = await renderTrendPng(chart);
      const size = pngSize(png);
      expect(size.width).toBeGreaterThan(1200);
      expect(size.height).toBeGreaterThan(500);
      if (process.env.DNSWHY_CHART_DIR) {
        mkdirSync(process.env.DNSWHY_CHART_DIR, { recursive: true });
        writeFileSync(join(process.env.DNSWHY_CHART_DIR, k.file), png);
      }
    }, 30_000);
  }

  it('draws a chart with gaps and without a threshold when there is too little history', async () => {
    const points = samplePoints().slice(0, 2).map((p, i) => ({ ...p, servfailPct: i === 0 ? null : 2 }));
    const chart = trendChartOf(points, 'servfailPct', 'lab', 'why');
    expect(chart.threshold).toBeUndefined();
    expect(pngSize(await renderTrendPng(chart)).width).toBeGreaterThan(0);
  });

  it('has a text trend of the last 7 summaries: a sparkline and first → latest per metric', () => {
    expect(sparkline([1, 2, null, 8])).toBe('▁▂ █');
    const lines = trendLines([...samplePoints(), ...samplePoints()].map((p, i) => ({ ...p, at: new Date(Date.parse(p.at) + i).toISOString() })));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^p90 latency to the DNS Service \(ms\)\s+\S{7}\s+61 → 61 ms$/);
    expect(trendLines(samplePoints().slice(0, 1))).toEqual([]);
  });
});
