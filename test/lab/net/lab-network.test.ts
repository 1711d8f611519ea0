import { createHook } from 'node:async_hooks';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressMap } from '../../../src/lab/net/address-map.js';
import { ExchangeError, exchangeFrom } from '../../../src/lab/net/lab-exchange.js';
import { LabNetwork } from '../../../src/lab/net/lab-network.js';
import { NetworkRules, type NetworkRuleSpec } from '../../../src/lab/net/network-rules.js';
import { twoZoneTopology } from './topology-fixture.js';

let labNet: LabNetwork | undefined;
afterEach(async () => {
  await labNet?.close();
  labNet = undefined;
});

async function start(rules: NetworkRuleSpec[]): Promise<{ labNet: LabNetwork; map: AddressMap }> {
  const map = new AddressMap(200);
  const topo = twoZoneTopology();
  labNet = await LabNetwork.start(map, topo, new NetworkRules(rules, topo, 1));
  return { labNet, map };
}

/** A tiny echo "DNS" handler that answers with the client identity it saw, after the 2-byte ID. */
const whoAsked = (msg: Buffer, client: { ip: string; sourceIp: string }): Buffer =>
  Buffer.concat([msg.subarray(0, 2), Buffer.from(`${client.ip}|${client.sourceIp}`)]);

describe('lab network servers (real packets on loopback)', () => {
  it('identify the sender by its mapped source, with SNAT for traffic leaving the cluster', async () => {
    const { labNet: n, map } = await start([]);
    await n.serveDnsUdp('10.119.0.2', 53, whoAsked);
    await n.serveDnsTcp('10.119.0.2', 53, whoAsked);
    const q = Buffer.from([0x12, 0x34, 0, 0]);
    const udp = await exchangeFrom(map, '10.245.4.17', { ip: '10.119.0.2', port: 53 }, q, 'udp', 1000);
    expect(udp.subarray(2).toString()).toBe('10.119.96.10|10.245.4.17');
    const tcp = await exchangeFrom(map, '10.245.5.9', { ip: '10.119.0.2', port: 53 }, q, 'tcp', 1000);
    expect(tcp.subarray(2).toString()).toBe('10.119.96.11|10.245.5.9');
  });

  it('drops UDP from a blocked zone (the client times out) and delivers from elsewhere', async () => {
    const { labNet: n, map } = await start([{ from: 'zone:cloud-b-2', to: '10.119.0.2', proto: 'udp', action: 'drop' }]);
    await n.serveDnsUdp('10.119.0.2', 53, whoAsked);
    const q = Buffer.from([0, 1, 0, 0]);
    await expect(exchangeFrom(map, '10.245.5.9', { ip: '10.119.0.2', port: 53 }, q, 'udp', 300)).rejects.toMatchObject({ reason: 'timeout' });
    await expect(exchangeFrom(map, '10.245.4.17', { ip: '10.119.0.2', port: 53 }, q, 'udp', 2000)).resolves.toBeInstanceOf(Buffer);
  });

  it('reject makes the kernel refuse at once, UDP (ICMP) and TCP (RST)', async () => {
    const { labNet: n, map } = await start([{ from: 'node:gpu-zone1', to: 'node:dev-master', port: 53, action: 'reject' }]);
    await n.serveDnsUdp('10.245.0.7', 53, whoAsked);
    await n.serveDnsTcp('10.245.0.7', 53, whoAsked);
    const q = Buffer.from([0, 2, 0, 0]);
    for (const proto of ['udp', 'tcp'] as const) {
      const err = await exchangeFrom(map, '10.245.4.17', { ip: '10.245.0.7', port: 53 }, q, proto, 2000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExchangeError);
      expect((err as ExchangeError).reason).toBe('refused');
    }
  });

  it('closing a TCP server ends the connections it holds silently for a drop rule', async () => {
    const { labNet: n, map } = await start([{ from: 'zone:cloud-b-2', to: '10.118.163.0/24', proto: 'tcp', action: 'drop' }]);
    const server = await n.serveTcp('10.118.163.242', 80, (sock) => sock.end());
    // Connect straight to the bound port (bypassing the dial guard): the kernel completes the
    // handshake and the lab holds the connection open and silent, as for a dropped SYN.
    const held = net.connect({ host: map.loopbackFor('10.118.163.242'), port: server.boundPort, localAddress: map.loopbackFor('10.245.5.9') });
    held.on('error', () => {});
    const ended = new Promise<void>((resolve) => held.once('close', () => resolve()));
    await new Promise<void>((resolve) => held.once('connect', () => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    const outcome = await Promise.race([server.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), 3000))]);
    expect(outcome).toBe('closed');
    await ended;
  });

  it('TCP drop: a sender that dials with its identity never completes the handshake', async () => {
    const { labNet: n, map } = await start([{ from: 'zone:cloud-b-2', to: '10.118.163.0/24', proto: 'tcp', action: 'drop' }]);
    await n.serveTcp('10.118.163.242', 80, (sock) => sock.end());
    const connect = (from: string): Promise<string> =>
      new Promise((resolve) => {
        const dst = map.dial('10.118.163.242', 80, 'tcp', from);
        const s = net.connect({ host: dst.host, port: dst.port, localAddress: map.loopbackFor(from) });
        const t = setTimeout(() => {
          s.destroy();
          resolve('timeout');
        }, 1000);
        s.on('connect', () => {
          clearTimeout(t);
          s.destroy();
          resolve('connected');
        });
        s.on('error', (e: NodeJS.ErrnoException) => {
          clearTimeout(t);
          resolve(e.code ?? 'error');
        });
      });
    expect(await connect('10.245.4.17')).toBe('connected');
    expect(await connect('10.245.5.9')).toBe('timeout');
  });

  it('delay holds the answer back', async () => {
    const { labNet: n, map } = await start([{ to: '10.119.0.2', action: 'delay', ms: 400 }]);
    await n.serveDnsUdp('10.119.0.2', 53, whoAsked);
    const q = Buffer.from([0, 3, 0, 0]);
    await expect(exchangeFrom(map, '10.245.4.17', { ip: '10.119.0.2', port: 53 }, q, 'udp', 150)).rejects.toMatchObject({ reason: 'timeout' });
    await expect(exchangeFrom(map, '10.245.4.17', { ip: '10.119.0.2', port: 53 }, q, 'udp', 3000)).resolves.toBeInstanceOf(Buffer);
  });

  it('close() leaves no handle behind', async () => {
    // Tracks the async resources (sockets, servers, timers) created from the lab's network code
    // while it runs, by creation stack: counting every handle of the process would also count the
    // test runner's own timers and pipes, which come and go (more so on a loaded machine).
    const live = new Map<number, string>();
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    const hook = createHook({
      init(id, type) {
        // Promises are only destroyed when collected; they hold no handle.
        if (type !== 'PROMISE' && /src[\\/]lab[\\/]net[\\/]/.test(new Error().stack ?? '')) live.set(id, type);
      },
      destroy(id) {
        live.delete(id);
      },
    }).enable();
    try {
      // A 5 s delay rule: the server holds the query on a timer that close() must clear.
      const { labNet: n, map } = await start([{ to: '10.119.0.2', action: 'delay', ms: 5000 }]);
      await n.serveDnsUdp('10.119.0.2', 53, whoAsked);
      await n.serveDnsTcp('10.119.0.2', 53, whoAsked);
      const pending = exchangeFrom(map, '10.245.4.17', { ip: '10.119.0.2', port: 53 }, Buffer.from([0, 9, 0, 0]), 'udp', 200).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      expect([...live.values()]).toContain('Timeout');
      await n.close();
      labNet = undefined;
      await pending;
      // Destroy notices arrive on later turns: settle for up to a second (well before the 5 s timer).
      for (let waited = 0; live.size > 0 && waited < 1000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect([...live.values()]).toEqual([]);
    } finally {
      hook.disable();
      Error.stackTraceLimit = limit;
    }
  });

});
