/**
 * The Redis target of `serve` from its configuration: a URL (reading the TLS CA bundle named by
 * REDIS_TLS_CA_FILE) or Sentinel. A CA file that is missing or not PEM is a configuration error
 * named at start, not a TLS handshake failure later.
 */
import { ConfigError, type Config } from '../config.js';
import { fileLimits, readTextFile } from '../files/read-text-file.js';
import type { RedisTarget } from '../queue/connection.js';

/** Reads what the target needs from disk; throws ConfigError naming the variable. */
export function redisTargetOf(redis: NonNullable<Config['redis']>): RedisTarget {
  if ('sentinels' in redis) return redis;
  if (!redis.tlsCaFile) return { url: redis.url };
  let ca: string;
  try {
    ca = readTextFile(redis.tlsCaFile, fileLimits.caBundle);
  } catch (err) {
    throw new ConfigError([`REDIS_TLS_CA_FILE: ${(err as Error).message}`]);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError([`REDIS_TLS_CA_FILE: ${redis.tlsCaFile} is not a PEM CA bundle (no -----BEGIN CERTIFICATE----- line)`]);
  return { url: redis.url, tlsCa: ca };
}
