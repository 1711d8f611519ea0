/**
 * A pino logger whose JSON lines are kept in memory, for tests that check what was logged
 * (a refusal names its reason, a problem is logged once per interval).
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLog {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines(): Record<string, unknown>[];
}

export function capturedLog(level = 'debug'): CapturedLog {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  return { logger: pino({ level }, sink), lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
