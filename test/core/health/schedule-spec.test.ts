import { describe, expect, it } from 'vitest';
import { parseScheduleSpec } from '../../../src/core/health/index.js';

const now = new Date('2026-01-01T10:00:00Z');

describe('parseScheduleSpec', () => {
  it('turns daily HH:MM into a UTC cron pattern with the next run', () => {
    expect(parseScheduleSpec('daily 09:30', now)).toEqual({ ok: true, spec: { pattern: '30 9 * * *', description: 'daily at 09:30 UTC', next: '2026-01-02T09:30:00.000Z' } });
    expect(parseScheduleSpec('DAILY 7:05', now)).toMatchObject({ ok: true, spec: { pattern: '5 7 * * *' } });
  });

  it('accepts a five-field cron expression', () => {
    expect(parseScheduleSpec('*/15 * * * 1-5', now)).toMatchObject({ ok: true, spec: { pattern: '*/15 * * * 1-5', next: '2026-01-01T10:15:00.000Z' } });
  });

  it('accepts six fields (seconds first), as BullMQ does', () => {
    expect(parseScheduleSpec('*/10 * * * * *', now)).toMatchObject({ ok: true, spec: { pattern: '*/10 * * * * *', next: '2026-01-01T10:00:10.000Z' } });
  });

  it.each([
    ['daily 24:00', 'hour 24 is out of range'],
    ['daily 09:60', 'minute 60 is out of range'],
    ['daily 9am', '"9am" is not a time: use HH:MM'],
    ['daily', '`daily` takes one time'],
    ['', 'a schedule is needed'],
    ['* * *', 'a cron schedule has 5 fields'],
    ['0 0 9 * * * 2026', 'a cron schedule has 5 fields'],
    ['61 * * * *', 'is not a valid cron schedule'],
    ['0 0 31 2 *', 'is not a valid cron schedule'],
  ])('refuses %j with a clear message', (text, message) => {
    const r = parseScheduleSpec(text, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});
