/**
 * Bolt, the Web API client and the Socket Mode client log through @slack/logger's interface; this
 * adapter sends their lines to dnswhy's own pino logger (one JSON line each, `component: "slack-sdk"`),
 * so that nothing is printed in another format. Bolt's level setting filters first, pino's after.
 */
import { LogLevel, type Logger } from '@slack/bolt';
import type { QueueLogger } from '../queue/connection.js';

const order: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

/** The SDK's arguments as one message: strings as they are, errors by their message, objects as JSON. */
function text(parts: unknown[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if (p instanceof Error) return p.message;
      try {
        return JSON.stringify(p);
      } catch {
        return String(p);
      }
    })
    .join(' ');
}

/** A @slack/logger Logger writing to `log`. */
export function slackSdkLogger(log: QueueLogger & { debug?(obj: unknown, msg?: string): void }, initial: LogLevel = LogLevel.WARN): Logger {
  let level = initial;
  let name = 'slack-sdk';
  const at = (l: LogLevel, write: (obj: unknown, msg?: string) => void) => (...parts: unknown[]) => {
    if (order.indexOf(l) >= order.indexOf(level)) write.call(log, { component: name }, text(parts));
  };
  return {
    debug: at(LogLevel.DEBUG, log.debug ?? (() => undefined)),
    info: at(LogLevel.INFO, log.info),
    warn: at(LogLevel.WARN, log.warn),
    error: at(LogLevel.ERROR, log.error),
    setLevel(l) {
      level = l;
    },
    getLevel: () => level,
    setName(n) {
      name = n;
    },
  };
}
