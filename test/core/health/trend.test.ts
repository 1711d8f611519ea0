import { describe, expect, it } from 'vitest';
import { trendThatMatters, type TrendPoint } from '../../../src/core/health/index.js';

const p = (i: number, v: Partial<TrendPoint>): TrendPoint => ({ at: `2026-01-0${i}T09:00:00.000Z`, p90Ms: 10, lossPct: 0, servfailPct: 0.1, requests: 1000, ...v });

describe('trendThatMatters', () => {
  it('needs at least three summaries', () => {
    expect(trendThatMatters([p(1, {}), p(2, { servfailPct: 40 })])).toBeUndefined();
  });

  it('is silent when the latest point is like the earlier ones', () => {
    expect(trendThatMatters([p(1, {}), p(2, { p90Ms: 12 }), p(3, { p90Ms: 14, servfailPct: 0.5 })])).toBeUndefined();
  });

  it('names a SERVFAIL rise with the numbers', () => {
    const t = trendThatMatters([p(1, {}), p(2, {}), p(3, { servfailPct: 0.2 }), p(4, { servfailPct: 12.5 })]);
    expect(t).toEqual({ metric: 'servfailPct', why: 'SERVFAIL share of responses is 12.5%, up from a median of 0.1% over the previous 3 summaries' });
  });

  it('needs p90 to double and rise by 20 ms, and prefers loss over latency', () => {
    expect(trendThatMatters([p(1, { p90Ms: 100 }), p(2, { p90Ms: 100 }), p(3, { p90Ms: 190 })])).toBeUndefined();
    expect(trendThatMatters([p(1, { p90Ms: 5 }), p(2, { p90Ms: 5 }), p(3, { p90Ms: 15 })])).toBeUndefined();
    expect(trendThatMatters([p(1, {}), p(2, {}), p(3, { p90Ms: 80 })])?.metric).toBe('p90Ms');
    expect(trendThatMatters([p(1, {}), p(2, {}), p(3, { p90Ms: 80, lossPct: 10 })])?.metric).toBe('lossPct');
  });

  it('skips metrics that were not measured', () => {
    expect(trendThatMatters([p(1, { lossPct: null }), p(2, { lossPct: null }), p(3, { lossPct: 50, servfailPct: null })])).toBeUndefined();
  });
});
