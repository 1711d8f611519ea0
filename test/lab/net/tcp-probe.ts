/** Test helper: a TCP connect from a cluster identity, as a probe does it (dialling with `from`). */
import net from 'node:net';
import type { AddressMap } from '../../../src/lab/net/address-map.js';

export type ConnectOutcome = 'connected' | 'refused' | 'timeout' | 'reset';

export function tcpConnect(map: AddressMap, from: string, ip: string, port: number, timeoutMs = 1000, withIdentity = true): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const dst = map.dial(ip, port, 'tcp', withIdentity ? from : undefined);
    const s = net.connect({ host: dst.host, port: dst.port, localAddress: map.loopbackFor(from) });
    const done = (o: ConnectOutcome): void => {
      clearTimeout(t);
      s.destroy();
      resolve(o);
    };
    const t = setTimeout(() => done('timeout'), timeoutMs);
    s.on('connect', () => done('connected'));
    s.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
  });
}
