/**
 * Schedules of health summaries: `daily HH:MM` (UTC) or a cron expression (5 fields, or 6 with
 * seconds first as BullMQ allows), validated with
 * cron-parser so a bad schedule is refused with a message naming what is wrong.
 */
import { CronExpressionParser } from 'cron-parser';

/** A validated schedule: the cron pattern BullMQ's job scheduler runs (tz UTC). */
export interface ScheduleSpec {
  pattern: string;
  /** "daily at 09:00 UTC" / "cron `*\/30 * * * *` (UTC)" */
  description: string;
  /** The next run, ISO (from `now`). */
  next: string;
}

const example = 'e.g. `daily 09:00` or `0 9 * * 1-5`';

/**
 * Parses a schedule.
 * @param text - `daily HH:MM` or five cron fields (six with seconds)
 * @param now - reference time for the next run (default: now)
 */
export function parseScheduleSpec(text: string, now: Date = new Date()): { ok: true; spec: ScheduleSpec } | { ok: false; message: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: false, message: `a schedule is needed: ${example}` };
  let pattern: string;
  let description: string;
  if (words[0]!.toLowerCase() === 'daily') {
    if (words.length !== 2) return { ok: false, message: `\`daily\` takes one time, HH:MM in UTC (${example})` };
    const m = /^(\d{1,2}):(\d{2})$/.exec(words[1]!);
    if (!m) return { ok: false, message: `"${words[1]!.slice(0, 20)}" is not a time: use HH:MM, 24-hour, UTC (e.g. \`daily 09:00\`)` };
    const h = Number(m[1]);
    const min = Number(m[2]);
    if (h > 23) return { ok: false, message: `hour ${h} is out of range (00-23) in "${words[1]}"` };
    if (min > 59) return { ok: false, message: `minute ${min} is out of range (00-59) in "${words[1]}"` };
    pattern = `${min} ${h} * * *`;
    description = `daily at ${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')} UTC`;
  } else {
    if (words.length !== 5 && words.length !== 6) return { ok: false, message: `a cron schedule has 5 fields (minute hour day month weekday), got ${words.length}: ${example}` };
    pattern = words.join(' ');
    description = `cron \`${pattern}\` (UTC)`;
  }
  try {
    const it = CronExpressionParser.parse(pattern, { tz: 'UTC', currentDate: now, strict: false });
    return { ok: true, spec: { pattern, description, next: it.next().toISOString() ?? '' } };
  } catch (err) {
    return { ok: false, message: `"${pattern}" is not a valid cron schedule: ${(err as Error).message} (${example})` };
  }
}
