/**
 * Development convenience for `dnswhy serve` without REDIS_URL: starts `redis-server` from PATH on
 * a free loopback port, without persistence, and stops it with the process.
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
 * Starts redis-server; throws a clear error when it is not installed.
 * @param port - the port to listen on (a free one by default; tests restart a server on its old port)
 */
export async function startLocalRedis(port?: number): Promise<LocalRedis> {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-serve-redis-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], { stdio: 'ignore' });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + 5000;
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30))]);
    if (failed) throw new Error(`REDIS_URL is not set and redis-server could not be started (${failed.message}); install redis-server or set REDIS_URL`);
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('REDIS_URL is not set and the local redis-server did not answer PING within 5 s');
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((r) => {
          child.once('exit', () => r());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
