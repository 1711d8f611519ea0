/**
 * A health trend chart as a PNG: a Vega specification (title and the reason it is shown, the metric
 * and its unit on the y axis, a dated UTC time axis, a legend when there is more than one series,
 * the threshold as a dashed line) rendered to SVG by Vega and to PNG by resvg with the DejaVu Sans
 * font shipped in an npm package, so the picture is the same on every machine. The title also
 * travels with the upload (files.uploadV2).
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import type { TrendChart } from '../../core/health/trend.js';

const fontFile = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const font = 'DejaVu Sans';
const palette = ['#1d64c8', '#d97706', '#2f855a', '#7c3aed'];

/** The Vega specification of a chart (exported for tests and the docs). */
export function trendChartSpec(chart: TrendChart, opts: { width?: number; height?: number } = {}): vega.Spec {
  // Points not measured stay in the data as null, so the line breaks there instead of bridging the gap.
  const rows = chart.series.flatMap((s) => s.values.map((v, i) => ({ series: s.name, at: Date.parse(chart.at[i]!), value: v !== null && Number.isFinite(v) ? v : null })));
  const many = chart.series.length > 1;
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: opts.width ?? 640,
    height: opts.height ?? 260,
    padding: 12,
    autosize: { type: 'pad' },
    background: 'white',
    config: { text: { font }, title: { font, subtitleFont: font }, axis: { labelFont: font, titleFont: font }, legend: { labelFont: font, titleFont: font } },
    title: { text: chart.title, subtitle: chart.why, anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', offset: 10 },
    data: [
      { name: 'points', values: rows },
      { name: 'measured', source: 'points', transform: [{ type: 'filter', expr: 'datum.value !== null' }] },
      { name: 'threshold', values: chart.threshold ? [chart.threshold] : [] },
    ],
    scales: [
      { name: 'x', type: 'utc', domain: { data: 'points', field: 'at' }, range: 'width', nice: false, padding: 12 },
      { name: 'y', type: 'linear', domain: { fields: [{ data: 'measured', field: 'value' }, { data: 'threshold', field: 'value' }] }, range: 'height', zero: true, nice: true },
      { name: 'color', type: 'ordinal', domain: chart.series.map((s) => s.name), range: palette },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'time of the summary (UTC)', format: '%b %d %H:%M', formatType: 'utc', labelAngle: 0, labelOverlap: true, ...(chart.at.length <= 8 ? { values: chart.at.map((t) => Date.parse(t)) } : { tickCount: 6 }) },
      { orient: 'left', scale: 'y', title: `${chart.label} (${chart.unit})`, grid: true, gridColor: '#e5e7eb', tickCount: 5 },
    ],
    ...(many ? { legends: [{ fill: 'color', stroke: 'color', orient: 'top-left', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 3 }] } : {}),
    marks: [
      {
        type: 'rule',
        from: { data: 'threshold' },
        encode: { enter: { x: { value: 0 }, x2: { signal: 'width' }, y: { scale: 'y', field: 'value' }, stroke: { value: '#d22828' }, strokeDash: { value: [6, 4] }, strokeWidth: { value: 1.5 } } },
      },
      {
        type: 'text',
        from: { data: 'threshold' },
        encode: { enter: { x: { value: 4 }, y: { scale: 'y', field: 'value', offset: -4 }, text: { field: 'label' }, align: { value: 'left' }, fill: { value: '#d22828' }, fontSize: { value: 10 } } },
      },
      {
        type: 'group',
        from: { facet: { name: 'bySeries', data: 'points', groupby: 'series' } },
        data: [{ name: 'measuredOfSeries', source: 'bySeries', transform: [{ type: 'filter', expr: 'datum.value !== null' }] }],
        marks: [
          { type: 'line', from: { data: 'bySeries' }, encode: { enter: { x: { scale: 'x', field: 'at' }, y: { scale: 'y', field: 'value' }, defined: { signal: 'datum.value !== null' }, stroke: { scale: 'color', field: 'series' }, strokeWidth: { value: 2.5 } } } },
          { type: 'symbol', from: { data: 'measuredOfSeries' }, encode: { enter: { x: { scale: 'x', field: 'at' }, y: { scale: 'y', field: 'value' }, fill: { scale: 'color', field: 'series' }, size: { value: 36 } } } },
        ],
      },
    ],
  };
}

/** The chart as SVG text (Vega, no browser and no canvas). */
export async function renderTrendSvg(chart: TrendChart, opts: { width?: number; height?: number } = {}): Promise<string> {
  const view = new vega.View(vega.parse(trendChartSpec(chart, opts)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The chart as PNG bytes (twice the SVG's size, for sharp text on high-density screens).
 * @returns the PNG bytes
 */
export async function renderTrendPng(chart: TrendChart, opts: { width?: number; height?: number } = {}): Promise<Uint8Array> {
  const svg = await renderTrendSvg(chart, opts);
  const png = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: [fontFile], defaultFontFamily: font }, fitTo: { mode: 'zoom', value: 2 }, background: 'white' }).render().asPng();
  return new Uint8Array(png);
}
