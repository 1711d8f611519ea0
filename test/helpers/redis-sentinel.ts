/**
 * A Redis primary, one replica and three redis-sentinel processes (quorum 2) on free loopback
 * ports, AOF on, as a small production setup: the sentinels mark a dead primary down after 1 s
 * and promote the replica.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, spawnRedisProcess, type RedisProcess } from '../../src/store/local-redis.js';

export const sentinelName = 'dnswhy';

export interface SentinelSetup {
  primaryPort: number;
  replicaPort: number;
  /** host:port,host:port,host:port (REDIS_SENTINELS). */
  sentinels: string;
  /** The primary's port as the sentinels report it now. */
  currentPrimaryPort(): Promise<number>;
  /** SIGKILL the primary (it is not started again). */
  killPrimary(): Promise<void>;
  stop(): Promise<void>;
}

async function until(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`sentinel setup: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startSentinelSetup(): Promise<SentinelSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-test-sentinel-'));
  const procs: RedisProcess[] = [];
  // One directory for all: each server has its own AOF directory and RDB file name in it.
  const data = (name: string, port: number, extra: string[] = []) => {
    return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir, '--appendfilename', `${name}.aof`, '--appenddirname', `${name}-aof`, '--dbfilename', `${name}.rdb`, '--loglevel', 'warning', ...extra];
  };
  try {
    const primaryPort = await freePort();
    const replicaPort = await freePort();
    const primary = await spawnRedisProcess('redis-server', data('primary', primaryPort), primaryPort, 'redis-server (primary)', 10_000);
    procs.push(primary);
    procs.push(await spawnRedisProcess('redis-server', data('replica', replicaPort, ['--replicaof', '127.0.0.1', String(primaryPort)]), replicaPort, 'redis-server (replica)', 10_000));
    const probe = new Redis({ port: primaryPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
    await until('the replica syncing', async () => /slave0:.*state=online/.test(await probe.info('replication')), 20_000);
    probe.disconnect();
    const sentinelPorts = [await freePort(), await freePort(), await freePort()];
    for (const [i, port] of sentinelPorts.entries()) {
      const conf = join(dir, `sentinel-${i}.conf`);
      // Sentinel rewrites its configuration file with what it learns: it must be writable.
      writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${sentinelName} 127.0.0.1 ${primaryPort} 2`, `sentinel down-after-milliseconds ${sentinelName} 1000`, `sentinel failover-timeout ${sentinelName} 10000`, `sentinel parallel-syncs ${sentinelName} 1`, ''].join('\n'));
      procs.push(await spawnRedisProcess('redis-sentinel', [conf, '--loglevel', 'warning'], port, 'redis-sentinel', 10_000));
    }
    const sentinel = new Redis({ port: sentinelPorts[0]!, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    sentinel.on('error', () => undefined);
    // Sentinels find the replica through the primary's INFO and each other through hello messages.
    await until('the sentinels knowing the replica and each other', async () => {
      const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', sentinelName)) as string[][];
      const peers = (await sentinel.call('SENTINEL', 'SENTINELS', sentinelName)) as string[][];
      return replicas.length === 1 && peers.length === 2;
    }, 30_000);
    return {
      primaryPort,
      replicaPort,
      sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
      async currentPrimaryPort() {
        const [, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', sentinelName)) as [string, string];
        return Number(port);
      },
      killPrimary: () => primary.kill(),
      async stop() {
        sentinel.disconnect();
        for (const p of procs.reverse()) await p.kill();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const p of procs.reverse()) await p.kill();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
