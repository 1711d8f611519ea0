/**
 * One DNS question over TCP (RFC 1035 §4.2.2 two-byte length framing, RFC 7766), on a fresh
 * connection bound to the sender's identity.
 */
import { connect } from 'node:net';
import { randomInt } from 'node:crypto';
import type { ChannelAnswer } from './udp-channel.js';
import type { DnsQuestion } from '../../core/model/dns.js';
import { encodeQuery, matchesQuestion, safeDecode } from './wire.js';

/** Sends `q` over a new TCP connection and waits (at most timeoutMs overall) for its matching reply. */
export function tcpExchange(
  dest: { host: string; port: number },
  bindHost: string | undefined,
  q: DnsQuestion,
  opts: { timeoutMs: number; edns?: boolean; ad?: boolean; recursionDesired?: boolean },
): Promise<ChannelAnswer> {
  const started = performance.now();
  const id = randomInt(65536);
  const body = encodeQuery(id, q, opts);
  const frame = Buffer.alloc(body.length + 2);
  frame.writeUInt16BE(body.length, 0);
  body.copy(frame, 2);
  return new Promise<ChannelAnswer>((resolve) => {
    let done = false;
    let buf = Buffer.alloc(0);
    const sock = connect({ host: dest.host, port: dest.port, ...(bindHost ? { localAddress: bindHost } : {}) });
    const finish = (a: Omit<ChannelAnswer, 'latencyMs' | 'tries'>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...a, latencyMs: performance.now() - started, tries: 1 });
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), opts.timeoutMs);
    sock.on('connect', () => sock.write(frame));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // Several framed messages may arrive; skip the ones that are not our answer.
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) return;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        const packet = safeDecode(msg);
        if (!packet) return finish({ kind: 'error', error: 'malformed reply over TCP' });
        if (matchesQuestion(packet, id, q)) return finish({ kind: 'answer', packet });
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish({ kind: 'refused', error: 'connection refused' });
      else if (err.code === 'ECONNRESET') finish({ kind: 'error', error: 'reset' });
      else finish({ kind: 'error', error: err.message });
    });
    sock.on('close', () => finish({ kind: 'error', error: 'connection closed before a reply' }));
  });
}
