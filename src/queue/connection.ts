/**
 * Redis connections. BullMQ workers block on Redis, so every connection we hand it has
 * `maxRetriesPerRequest: null` (BullMQ refuses others), and every connection has an error listener
 * so a Redis outage is logged and retried instead of crashing the process.
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** Logger shape used across the queue layer (pino-compatible). */
export interface QueueLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/**
 * Opens an ioredis connection usable by BullMQ and by our stores.
 * @param url - redis://host:port[/db]
 * @param log - where connection errors go
 */
export function openRedis(url: string, log: QueueLogger): Redis {
  // Auto-pipelining: the commands issued in one event-loop turn (the ack path issues several per
  // command, many commands arrive at once) leave in one socket write instead of one write each.
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, enableAutoPipelining: true });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  return redis;
}

/** BullMQ connection options for a URL (BullMQ creates, duplicates and closes the connections it needs). */
export function bullConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}
