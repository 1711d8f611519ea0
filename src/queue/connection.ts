/**
 * Redis connections. BullMQ workers block on Redis, so every connection we hand it has
 * `maxRetriesPerRequest: null` (BullMQ refuses others), and every connection has an error listener
 * so a Redis outage is logged and retried instead of crashing the process.
 *
 * Two ways to reach Redis, used alike by the queues and the stores (one option builder for both):
 * - a URL, `redis://` or `rediss://` (TLS; the server's certificate is checked against the system's
 *   CAs, or against the CA bundle given, REDIS_TLS_CA_FILE);
 * - Redis Sentinel: the sentinels' addresses and the primary's name. ioredis asks a sentinel for
 *   the current primary on every (re)connect. A failover closes the clients' connections (the old
 *   primary dies or, demoted, drops its clients; READONLY makes us reconnect too), so each
 *   connection reconnects to the new primary. ioredis's `failoverDetector` is deliberately off: its
 *   subscription from the connection before the failover fires `+switch-master` while the
 *   connection is already reconnecting, aborts that attempt, and ioredis then ends the connection
 *   for good ("Connection is closed." on every command; seen in 2 of 3 runs of the Sentinel test).
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** Logger shape used across the queue layer (pino-compatible). */
export interface QueueLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** A Redis reached by URL. */
export interface RedisUrlTarget {
  url: string;
  /** PEM CA bundle that signed the server's certificate (rediss:// only; default: the system's CAs). */
  tlsCa?: string;
}

/** A Redis primary found through Sentinel. */
export interface RedisSentinelTarget {
  sentinels: { host: string; port: number }[];
  /** The primary's name in the sentinels' configuration (`sentinel monitor NAME …`). */
  sentinelName: string;
  /** Password of the primary and its replicas (requirepass). */
  password?: string;
  db?: number;
}

export type RedisTarget = RedisUrlTarget | RedisSentinelTarget;

/**
 * After a failover the old primary may still be reached for a moment and answers writes with
 * READONLY: reconnect (through the sentinels, to the new primary) and resend the command.
 */
function reconnectOnReadOnly(err: Error): 2 | false {
  return err.message.startsWith('READONLY') ? 2 : false;
}

/** ioredis options for a target (a bare string is a URL). */
export function redisOptions(target: RedisTarget | string): RedisOptions {
  const t: RedisTarget = typeof target === 'string' ? { url: target } : target;
  if ('sentinels' in t) {
    return {
      sentinels: t.sentinels,
      name: t.sentinelName,
      ...(t.password ? { password: t.password } : {}),
      ...(t.db ? { db: t.db } : {}),
      reconnectOnError: reconnectOnReadOnly,
      maxRetriesPerRequest: null,
    };
  }
  const u = new URL(t.url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: t.tlsCa ? { ca: t.tlsCa } : {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The target in words for logs and start-up lines (never the password). */
export function describeRedis(target: RedisTarget | string): string {
  const t: RedisTarget = typeof target === 'string' ? { url: target } : target;
  if ('sentinels' in t) return `primary "${t.sentinelName}" through Sentinel ${t.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  const u = new URL(t.url);
  u.password = '';
  u.username = '';
  return u.toString() + (t.tlsCa ? ' (TLS, CA from REDIS_TLS_CA_FILE)' : '');
}

/**
 * Opens an ioredis connection usable by BullMQ and by our stores.
 * @param target - redis://host:port[/db], rediss://…, or a Sentinel target
 * @param log - where connection errors go
 */
export function openRedis(target: RedisTarget | string, log: QueueLogger): Redis {
  // Auto-pipelining: the commands issued in one event-loop turn (the ack path issues several per
  // command, many commands arrive at once) leave in one socket write instead of one write each.
  const redis = new Redis({ ...redisOptions(target), enableReadyCheck: true, lazyConnect: false, enableAutoPipelining: true });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  return redis;
}

/** BullMQ connection options for a target (BullMQ creates, duplicates and closes the connections it needs). */
export function bullConnection(target: RedisTarget | string): ConnectionOptions {
  // BullMQ's own copy of ioredis's option type is narrower only in retryStrategy, which we never set.
  return redisOptions(target) as ConnectionOptions;
}
