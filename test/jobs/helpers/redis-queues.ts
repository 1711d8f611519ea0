/**
 * One job test file's Redis side: a private redis-server, an ioredis client on it (as the workers
 * need it: no per-request retry limit) and the project's Queues. Closed in the reverse order.
 */
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { bullConnection } from '../../../src/queue/connection.js';
import { Queues } from '../../../src/queue/queues.js';
import { startRedis, type RedisHandle } from '../../helpers/redis-server.js';

export interface RedisQueues {
  server: RedisHandle;
  redis: Redis;
  queues: Queues;
}

export async function startRedisQueues(log: Logger = pino({ level: 'silent' })): Promise<RedisQueues> {
  const server = await startRedis();
  return { server, redis: new Redis(server.url, { maxRetriesPerRequest: null }), queues: new Queues(bullConnection(server.url), log) };
}

export async function stopRedisQueues({ server, redis, queues }: RedisQueues): Promise<void> {
  await queues.close();
  redis.disconnect();
  await server.stop();
}
