/**
 * Development convenience for `dnswhy serve` without REDIS_URL: starts `redis-server` from PATH on
 * a free loopback port, without persistence, and stops it with the process. The launcher below it
 * (`spawnRedisProcess`) also starts the persistent, TLS and Sentinel servers of the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A running redis-server or redis-sentinel process. */
export interface RedisProcess {
  port: number;
  child: ChildProcess;
  /** SIGTERM (a clean shutdown: redis writes its AOF/RDB), SIGKILL if that is refused, and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash) and wait for the exit. */
  kill(): Promise<void>;
}

/** A loopback TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(200);
    s.on('data', (d) => {
      s.destroy();
      resolve(d.toString().includes('+PONG'));
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
  });
}

/**
 * Signals the process and waits for its exit. Redis may refuse a SIGTERM ("Writing initial AOF,
 * can't exit" while AOF is being turned on): after `graceMs` it is killed.
 */
function exitOf(child: ChildProcess, signal: NodeJS.Signals, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((r) => {
    const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(escalate);
      r();
    });
    child.kill(signal);
  });
}

/**
 * Starts `command` (redis-server or redis-sentinel) with `args` and waits until `port` answers PING
 * in plain text.
 * @param what - how the error names the missing piece ("REDIS_URL is not set and redis-server")
 */
export async function spawnRedisProcess(command: string, args: string[], port: number, what = command, timeoutMs = 5000): Promise<RedisProcess> {
  const child: ChildProcess = spawn(command, args, { stdio: 'ignore' });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30))]);
    if (failed) throw new Error(`${what} could not be started (${failed.message}); install ${command}${command === 'redis-server' ? ' or set REDIS_URL' : ''}`);
    if (child.exitCode !== null) throw new Error(`${what} exited at once with code ${child.exitCode} (${command} ${args.join(' ')})`);
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      await exitOf(child, 'SIGKILL');
      throw new Error(`${what} did not answer PING on port ${port} within ${timeoutMs / 1000} s`);
    }
  }
  return { port, child, stop: () => exitOf(child, 'SIGTERM'), kill: () => exitOf(child, 'SIGKILL') };
}

/**
 * Starts redis-server without persistence; throws a clear error when it is not installed.
 * @param port - the port to listen on (a free one by default; tests restart a server on its old port)
 */
export async function startLocalRedis(port?: number): Promise<LocalRedis> {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-serve-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
  let server: RedisProcess;
  try {
    server = await spawnRedisProcess('redis-server', args, port, 'REDIS_URL is not set and redis-server');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
