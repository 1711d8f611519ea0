/** DNS health summaries (pure): model, builder, renderers. */
export * from './model.js';
export { buildHealthSummary, snapshotOf, healthThresholds } from './build-health-summary.js';
export { configDrift, maxDiffChars } from './config-drift.js';
export { metricsDelta, sumMetrics } from './metrics-delta.js';
export { renderHealthText, renderHealthMarkdown, healthLines, matrixRows } from './render-health.js';
export { parseScheduleSpec, type ScheduleSpec } from './schedule-spec.js';
export { trendPointOf, trendThatMatters, trendMetricLabel, type TrendPoint, type TrendMetric } from './trend.js';
