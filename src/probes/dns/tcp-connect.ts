/**
 * A TCP connect to an address the name resolved to: does anything accept on that port from here?
 * Outcomes: ok, refused (RST), reset, timeout, or the system error code.
 */
import { connect } from 'node:net';
import type { TcpConnectEvidence, EvidenceOrigin } from '../../core/model/evidence.js';
import { type NetworkPosition, directNetwork } from '../../core/network-position.js';

/** What a connect attempt got. */
export interface TcpConnectResult {
  ip: string;
  port: number;
  ok: boolean;
  error?: TcpConnectEvidence['error'];
  ms: number;
}

/** Connects to a cluster address (through the NetworkPosition), then closes at once. Never rejects. */
export function tcpConnect(ip: string, port: number, opts: { network?: NetworkPosition; sourceIp?: string; timeoutMs?: number } = {}): Promise<TcpConnectResult> {
  const network = opts.network ?? directNetwork;
  const dest = network.dial(ip, port, 'tcp', opts.sourceIp);
  const bind = network.bindAddress(opts.sourceIp);
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const sock = connect({ host: dest.host, port: dest.port, ...(bind ? { localAddress: bind } : {}) });
    const finish = (ok: boolean, error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const r: TcpConnectResult = { ip, port, ok, ms: Math.round((performance.now() - started) * 100) / 100 };
      if (error !== undefined) r.error = error;
      resolve(r);
    };
    const timer = setTimeout(() => finish(false, 'timeout'), opts.timeoutMs ?? 1500);
    sock.once('connect', () => finish(true));
    sock.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish(false, 'refused');
      else if (err.code === 'ECONNRESET') finish(false, 'reset');
      else finish(false, err.code ?? err.message);
    });
  });
}

/** The TcpConnectEvidence item for a result. */
export function toTcpConnectEvidence(r: TcpConnectResult, meta: { id: string; from: EvidenceOrigin; at: string; forName?: string }): TcpConnectEvidence {
  const ev: TcpConnectEvidence = { id: meta.id, kind: 'tcp-connect', from: meta.from, at: meta.at, ms: r.ms, ip: r.ip, port: r.port, ok: r.ok };
  if (r.error !== undefined) ev.error = r.error;
  if (meta.forName !== undefined) ev.forName = meta.forName;
  return ev;
}
