import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tcpConnect, toTcpConnectEvidence } from '../../../src/probes/dns/tcp-connect.js';
import { mapNetwork } from './helpers/fake-dns-server.js';

describe('tcpConnect', () => {
  it('ok when something accepts, through the NetworkPosition, and maps onto evidence', async () => {
    const server = createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const network = mapNetwork({ '10.30.0.5': { host: '127.0.0.1', port } });
    const r = await tcpConnect('10.30.0.5', 443, { network });
    server.close();
    expect(r).toMatchObject({ ip: '10.30.0.5', port: 443, ok: true });
    expect(toTcpConnectEvidence(r, { id: 'p1', from: { kind: 'worker' }, at: 'now', forName: 'git.corp.example' })).toMatchObject({ kind: 'tcp-connect', ok: true, forName: 'git.corp.example' });
  });

  it('refused when nothing listens', async () => {
    const r = await tcpConnect('127.0.0.1', 1, { timeoutMs: 1000 });
    expect(r).toMatchObject({ ok: false, error: 'refused' });
  });
});
