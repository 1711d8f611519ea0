/**
 * A private redis-server on a free loopback port for one test file (never the shared one on 6379),
 * on top of the same launcher `dnswhy serve` uses without REDIS_URL; adds restart on the same port.
 */
import { freePort, startLocalRedis, type LocalRedis } from '../../src/store/local-redis.js';

export { freePort };

export interface RedisHandle {
  port: number;
  url: string;
  connection: { host: string; port: number };
  stop(): Promise<void>;
  /** Kill and start again on the same port (restart tests). Data is lost (no persistence). */
  restart(): Promise<void>;
}

export async function startRedis(): Promise<RedisHandle> {
  let server: LocalRedis = await startLocalRedis();
  const port = server.port;
  return {
    port,
    url: server.url,
    connection: { host: '127.0.0.1', port },
    stop: () => server.stop(),
    async restart() {
      await server.stop();
      server = await startLocalRedis(port);
    },
  };
}
