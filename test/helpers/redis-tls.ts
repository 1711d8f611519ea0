/**
 * A redis-server with TLS on a free loopback port, its certificate signed by a throwaway CA made
 * here with the openssl command (the CA is what REDIS_TLS_CA_FILE names). The plain port stays
 * open on another port only so the launcher can see the server is up.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnRedisProcess } from '../../src/store/local-redis.js';

export interface TlsRedis {
  /** rediss://127.0.0.1:<tls port> */
  url: string;
  /** The CA that signed the server's certificate (PEM file). */
  caFile: string;
  /** Another CA, which did not sign it. */
  otherCaFile: string;
  dir: string;
  stop(): Promise<void>;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA and a server certificate for 127.0.0.1 (IP SAN) signed by it. */
function makeCertificates(dir: string): void {
  for (const ca of ['ca', 'other-ca']) openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-subj', `/CN=dnswhy test ${ca}`, '-days', '2');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
}

export async function startTlsRedis(): Promise<TlsRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'dnswhy-test-redis-tls-'));
  makeCertificates(dir);
  const [plain, tls] = [await freePort(), await freePort()];
  const args = ['--port', String(plain), '--bind', '127.0.0.1', '--tls-port', String(tls), '--tls-cert-file', join(dir, 'server.pem'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.pem'), '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'yes', '--dir', dir, '--loglevel', 'warning'];
  const server = await spawnRedisProcess('redis-server', args, plain, 'redis-server (TLS)', 10_000);
  return {
    url: `rediss://127.0.0.1:${tls}`,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    dir,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
