/**
 * Runs one agreement case four ways at once, each against its own nameserver addresses on the same
 * logging server: real glibc (`getent`), real musl (getent on musl's getaddrinfo), and dnswhy's
 * stub-resolver model of each (src/probes/dns/stub-resolver.ts driving src/core/resolver) with real
 * waits. The real tools get the case's resolv.conf bind-mounted in a private mount namespace.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { directNetwork } from '../../core/network-position.js';
import { parseResolvConf } from '../../core/resolver/resolv-conf.js';
import { lookup } from '../../probes/dns/stub-resolver.js';
import { resolvConf, targetName, type AgreementCase } from './cases.js';
import type { LoggedQuery, LoggingServer } from './logging-server.js';

export type RunnerName = 'glibc' | 'musl' | 'model-glibc' | 'model-musl';
export const runners: Record<RunnerName, number> = { glibc: 1, musl: 2, 'model-glibc': 3, 'model-musl': 4 };

/**
 * What one runner did: its queries as the server logged them (times from its first query), its
 * result, and how long the lookup took from its first query to its end (a real tool's process
 * start-up, hundreds of ms on a loaded machine, is not part of the lookup).
 */
export interface RunnerResult {
  queries: LoggedQuery[];
  ok: boolean;
  addresses: string[];
  wallMs: number;
  spanMs: number;
}

function realTool(bin: string, db: string, conf: string, hosts: string): Promise<{ ok: boolean; addresses: string[] }> {
  const body = 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"';
  return new Promise((resolve) => {
    execFile('unshare', ['-m', 'sh', '-c', body, 'sh', conf, hosts, bin, db, targetName], { timeout: 60_000 }, (err, stdout) => {
      const addresses = [...new Set(String(stdout).split('\n').map((l) => l.split(/\s+/)[0]!).filter(Boolean))];
      resolve({ ok: !err, addresses });
    });
  });
}

async function modelRun(k: AgreementCase, libc: 'glibc' | 'musl', runner: number): Promise<{ ok: boolean; addresses: string[] }> {
  const r = await lookup(targetName, parseResolvConf(resolvConf(k, runner)), { libc, network: directNetwork, timeoutScale: 1, hosts: '', families: k.db === 'ahostsv4' ? ['A'] : ['A', 'AAAA'] });
  return r.result.ok ? { ok: true, addresses: [...new Set(r.result.addresses)] } : { ok: false, addresses: [] };
}

/** Runs the case; `dir` holds the resolv.conf files, `muslGetent` is the musl build of getent. */
export async function runCase(k: AgreementCase, server: LoggingServer, dir: string, muslGetent: string): Promise<Record<RunnerName, RunnerResult>> {
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, '127.0.0.1\tlocalhost\n');
  const confFor = (runner: number) => {
    const p = join(dir, `resolv-${runner}.conf`);
    writeFileSync(p, resolvConf(k, runner));
    return p;
  };
  server.resetClock();
  const launched = performance.now();
  const db = k.db ?? 'ahosts';
  const timed = async (name: RunnerName, run: () => Promise<{ ok: boolean; addresses: string[] }>) => {
    const r = await run();
    return [name, { ...r, wallMs: Math.round(performance.now() - launched) }] as const;
  };
  const done = await Promise.all([
    timed('glibc', () => realTool('getent', db, confFor(runners.glibc), hosts)),
    timed('musl', () => realTool(muslGetent, db, confFor(runners.musl), hosts)),
    timed('model-glibc', () => modelRun(k, 'glibc', runners['model-glibc'])),
    timed('model-musl', () => modelRun(k, 'musl', runners['model-musl'])),
  ]);
  const out = {} as Record<RunnerName, RunnerResult>;
  for (const [name, r] of done) {
    const mine = server.log.filter((q) => q.server.startsWith(`10.53.${runners[name]}.`));
    const t0 = mine[0]?.atMs ?? 0;
    // Servers are named by their index (1, 2, 3), the same for every runner.
    out[name] = { ...r, spanMs: r.wallMs - t0, queries: mine.map((q) => ({ ...q, atMs: q.atMs - t0, server: q.server.split('.').pop()! })) };
  }
  return out;
}
