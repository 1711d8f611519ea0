import { describe, expect, it } from 'vitest';
import { burstReserveMs, fitBurst } from '../../../src/probes/gather/burst-budget.js';

describe('fitBurst', () => {
  const conf = (opts: string) => `nameserver 10.96.0.10\nsearch default.svc.cluster.local\n${opts}`;

  it('keeps a burst whose worst case fits the deadline', () => {
    // Default libc options: 5 s × 2 attempts, scaled by 0.1 → 1 s per unanswered query; 10 rounds fit in 16 s − reserve.
    expect(fitBurst({ count: 200, concurrency: 20 }, conf(''), burstReserveMs + 10_000)).toEqual({ count: 200, concurrency: 20 });
  });

  it('cuts rounds when the pod resolv.conf makes unanswered queries wait longer', () => {
    // timeout:5 attempts:5 → 2.5 s per unanswered query; 9 s for the burst → 3 rounds of 20.
    expect(fitBurst({ count: 200, concurrency: 20 }, conf('options timeout:5 attempts:5'), burstReserveMs + 9_000)).toEqual({ count: 60, concurrency: 20 });
  });

  it('keeps at least one round, and leaves a disabled burst alone', () => {
    expect(fitBurst({ count: 200, concurrency: 20 }, conf(''), 1000)).toEqual({ count: 20, concurrency: 20 });
    expect(fitBurst({ count: 0, concurrency: 20 }, conf(''), 1000)).toEqual({ count: 0, concurrency: 20 });
  });
});
