/**
 * A private redis-server on a free loopback port for one test file (never the shared one on 6379),
 * on top of the same launcher `dnswhy serve` uses without REDIS_URL; adds restart on the same port.
 * With `aof: true` it runs as users should run it: append-only file on (appendfsync everysec, the
 * default), its data directory kept across restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnRedisProcess, startLocalRedis, type LocalRedis, type RedisProcess } from '../../src/store/local-redis.js';

export { freePort };

export interface RedisHandle {
  port: number;
  url: string;
  connection: { host: string; port: number };
  stop(): Promise<void>;
  /**
   * Stop and start again on the same port. Without AOF the data is lost. `how`: 'kill' is a crash
   * (SIGKILL), 'term' a clean shutdown (SIGTERM, as `systemctl restart` does).
   */
  restart(how?: 'kill' | 'term'): Promise<void>;
}

export interface RedisOptions {
  /** appendonly yes, data kept in one directory across restarts. */
  aof?: boolean;
}

export async function startRedis(o: RedisOptions = {}): Promise<RedisHandle> {
  if (o.aof) return startPersistentRedis();
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

async function startPersistentRedis(): Promise<RedisHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-test-redis-aof-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir, '--loglevel', 'warning'];
  const start = () => spawnRedisProcess('redis-server', args, port, 'redis-server (AOF)', 10_000);
  let server: RedisProcess = await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    connection: { host: '127.0.0.1', port },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart(how = 'kill') {
      await (how === 'kill' ? server.kill() : server.stop());
      server = await start();
    },
  };
}
