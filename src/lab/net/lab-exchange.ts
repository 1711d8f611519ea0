/**
 * Sends one DNS message from a cluster identity to a cluster address with real packets, as a
 * resolver or CoreDNS's forward plugin would: UDP from a fresh port on the sender's mapped address
 * (connected, so an ICMP port unreachable surfaces as "refused"), or TCP with 2-byte framing.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressMap } from './address-map.js';
import { FrameReader, frame } from './dns-framing.js';
import { DnswhyError } from '../../core/errors.js';

/** Why an exchange failed. */
export class ExchangeError extends DnswhyError {
  override readonly code = 'lab-exchange-failed';
  override readonly permanent = false;
  /** The local port the exchange used, when a socket was bound (for log lines like Go's net errors). */
  localPort?: number;
  constructor(readonly reason: 'timeout' | 'refused' | 'error', message: string) {
    super(message);
  }
}

/** Where to send: a cluster address and port. */
export interface ExchangeTarget {
  ip: string;
  port: number;
}

function idOf(msg: Buffer): number {
  return msg.length >= 2 ? msg.readUInt16BE(0) : -1;
}

/** UDP exchange; resolves with the first reply carrying the query's ID. */
async function exchangeUdp(map: AddressMap, from: string, to: ExchangeTarget, msg: Buffer, timeoutMs: number): Promise<Buffer> {
  const dst = map.dial(to.ip, to.port, 'udp', from);
  // On the kernel backend the socket is opened (and bound) in the sender's namespace.
  const kernelSock = map.clientSockets ? await map.clientSockets.udpFrom(from).catch((e: Error) => Promise.reject(new ExchangeError('error', e.message))) : undefined;
  return new Promise<Buffer>((resolve, reject) => {
    const sock = kernelSock ?? dgram.createSocket('udp4');
    let done = false;
    const finish = (err: Error | null, reply?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err instanceof ExchangeError) {
        try {
          err.localPort = sock.address().port;
        } catch {
          // never bound
        }
      }
      try {
        sock.close();
      } catch {
        // already closed
      }
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new ExchangeError('timeout', `no answer from ${to.ip}:${to.port} within ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish(e.code === 'ECONNREFUSED' ? new ExchangeError('refused', `${to.ip}:${to.port}: connection refused`) : new ExchangeError('error', e.message)),
    );
    sock.on('message', (reply) => {
      if (idOf(reply) === idOf(msg)) finish(null, reply);
    });
    const send = () =>
      // Node calls back with the error when connect() fails (ENETUNREACH in a namespace without a
      // route), although its types say no argument: sending then would throw, not fail the exchange.
      sock.connect(dst.port, dst.host, ((connectErr?: Error) => {
        if (connectErr) return finish(new ExchangeError('error', `${to.ip}:${to.port}: ${connectErr.message}`));
        sock.send(msg, (err) => {
          if (err) finish(new ExchangeError('error', err.message));
        });
      }) as () => void);
    if (kernelSock) send();
    else sock.bind({ address: map.loopbackFor(from), port: 0 }, send);
  });
}

/** TCP exchange with 2-byte framing; the connection is closed after the reply. */
async function exchangeTcp(map: AddressMap, from: string, to: ExchangeTarget, msg: Buffer, timeoutMs: number): Promise<Buffer> {
  const dst = map.dial(to.ip, to.port, 'tcp', from);
  // On the kernel backend the connection is made in the sender's namespace, then handed over.
  let kernelSock: net.Socket | undefined;
  if (map.clientSockets) {
    try {
      kernelSock = await map.clientSockets.connectFrom(from, dst.host, dst.port, timeoutMs);
    } catch (e) {
      const code = (e as { errno?: string }).errno;
      if (code === 'ECONNREFUSED') throw new ExchangeError('refused', `${to.ip}:${to.port}/tcp: connection refused`);
      if (code === 'ETIMEDOUT') throw new ExchangeError('timeout', `no answer from ${to.ip}:${to.port}/tcp within ${timeoutMs} ms`);
      throw new ExchangeError('error', (e as Error).message);
    }
  }
  return new Promise<Buffer>((resolve, reject) => {
    const sock = kernelSock ?? net.connect({ host: dst.host, port: dst.port, localAddress: map.loopbackFor(from) });
    const reader = new FrameReader();
    let done = false;
    const finish = (err: Error | null, reply?: Buffer): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err instanceof ExchangeError && sock.localPort !== undefined) err.localPort = sock.localPort;
      sock.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => finish(new ExchangeError('timeout', `no answer from ${to.ip}:${to.port}/tcp within ${timeoutMs} ms`)), timeoutMs);
    if (kernelSock) sock.write(frame(msg));
    else sock.on('connect', () => sock.write(frame(msg)));
    sock.on('data', (chunk) => {
      for (const reply of reader.push(chunk)) if (idOf(reply) === idOf(msg)) return finish(null, reply);
    });
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish(e.code === 'ECONNREFUSED' ? new ExchangeError('refused', `${to.ip}:${to.port}/tcp: connection refused`) : new ExchangeError('error', e.message)),
    );
    sock.on('close', () => finish(new ExchangeError('error', `${to.ip}:${to.port}/tcp closed the connection without an answer`)));
  });
}

/**
 * Sends `msg` from cluster address `from` to `to` and returns the reply's bytes.
 * Throws ExchangeError (timeout, refused, error).
 */
export function exchangeFrom(
  map: AddressMap,
  from: string,
  to: ExchangeTarget,
  msg: Buffer,
  proto: 'udp' | 'tcp',
  timeoutMs: number,
): Promise<Buffer> {
  return proto === 'tcp' ? exchangeTcp(map, from, to, msg, timeoutMs) : exchangeUdp(map, from, to, msg, timeoutMs);
}
