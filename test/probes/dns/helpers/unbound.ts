/**
 * Starts a real unbound (from apt, /usr/sbin/unbound) on a random loopback port with authoritative
 * local data only: `local-zone: "." refuse` means it never recurses to the internet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryDns } from '../../../../src/probes/dns/dns-client.js';

export interface UnboundServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export const unboundPath = '/usr/sbin/unbound';

/** Config lines for zones: `local-zone`/`local-data` lines, one per array entry. */
export async function startUnbound(zoneLines: string[], opts: { host?: string; logQueries?: boolean } = {}): Promise<UnboundServer> {
  const host = opts.host ?? '127.0.0.1';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const dir = mkdtempSync(join(tmpdir(), 'dnswhy-unbound-'));
    const conf = [
      'server:',
      `  interface: ${host}`,
      `  port: ${port}`,
      '  do-daemonize: no',
      '  username: ""',
      '  chroot: ""',
      `  directory: "${dir}"`,
      '  pidfile: ""',
      '  use-syslog: no',
      '  logfile: ""',
      '  num-threads: 1',
      '  do-ip6: no',
      '  access-control: 127.0.0.0/8 allow',
      '  module-config: "iterator"',
      `  log-queries: ${opts.logQueries ? 'yes' : 'no'}`,
      '  local-zone: "." refuse',
      ...zoneLines.map((l) => `  ${l}`),
    ].join('\n');
    const file = join(dir, 'unbound.conf');
    writeFileSync(file, `${conf}\n`);
    const child = spawn(unboundPath, ['-d', '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // If this process dies without calling stop() (a crash), take unbound with it.
    const onExit = (): void => {
      if (child.exitCode === null) child.kill('SIGTERM');
    };
    process.once('exit', onExit);
    const stop = async (): Promise<void> => {
      process.off('exit', onExit);
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    };
    if (await ready(child, host, port)) return { host, port, stop };
    await stop();
    if (!/address already in use/i.test(stderr)) throw new Error(`unbound did not start: ${stderr.slice(-500)}`);
  }
  throw new Error('unbound: no free port after 5 attempts');
}

async function ready(child: ChildProcess, host: string, port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    const r = await queryDns({ ip: host, port }, 'ready.probe.invalid.', 'A', { timeoutMs: 100, tries: 1 });
    if (r.outcome === 'answer') return true;
    await new Promise((res) => setTimeout(res, 20));
  }
  return false;
}
