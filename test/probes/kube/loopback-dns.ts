/**
 * A loopback stand-in for the cluster network in fake-apiserver (mocked cluster) tests: every
 * cluster address is dialled at one UDP responder on 127.0.0.1 that answers A 10.9.8.7, so no
 * packet ever leaves loopback. It records which cluster address each query was meant for.
 */
import { createSocket, type Socket } from 'node:dgram';
import { decode, encode, type Packet } from 'dns-packet';
import type { NetworkPosition } from '../../../src/core/network-position.js';

export interface LoopbackDns {
  network: NetworkPosition;
  /** Cluster addresses queries were sent to, in order. */
  asked: string[];
  stop(): Promise<void>;
}

export async function startLoopbackDns(): Promise<LoopbackDns> {
  const sock: Socket = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const port = sock.address().port;
  const asked: string[] = [];
  sock.on('message', (msg, rinfo) => {
    let q: Packet;
    try {
      q = decode(msg);
    } catch {
      return;
    }
    const question = q.questions?.[0];
    if (!question) return;
    const reply = encode({ id: q.id, type: 'response', flags: 0x8180, questions: [question], answers: [{ name: question.name, type: 'A', class: 'IN', ttl: 30, data: '10.9.8.7' }] });
    sock.send(reply, rinfo.port, rinfo.address);
  });
  const network: NetworkPosition = {
    dial: (ip) => {
      asked.push(ip);
      return { host: '127.0.0.1', port };
    },
    bindAddress: () => '127.0.0.1',
    reverse: (host, p) => ({ ip: host, port: p }),
  };
  return { network, asked, stop: () => new Promise((r) => sock.close(() => r())) };
}
