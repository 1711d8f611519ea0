import { createHook } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterState } from '../../../src/core/model/k8s.js';
import { AddressMap } from '../../../src/lab/net/address-map.js';
import { LabNetwork } from '../../../src/lab/net/lab-network.js';
import { NetworkRules, type NetworkRuleSpec } from '../../../src/lab/net/network-rules.js';
import { TcpHosts } from '../../../src/lab/net/tcp-hosts.js';
import { tcpConnect } from './tcp-probe.js';
import { twoZoneTopology } from './topology-fixture.js';

let labNet: LabNetwork | undefined;
let hosts: TcpHosts | undefined;
afterEach(async () => {
  await hosts?.stop();
  await labNet?.close();
  hosts = undefined;
  labNet = undefined;
});

function clusterWith(ready: boolean): ClusterState {
  return {
    namespaces: ['default'],
    services: [{ namespace: 'default', name: 'nginx', type: 'ClusterIP', clusterIP: '10.96.3.4', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] }],
    endpoints: [{ namespace: 'default', service: 'nginx', addresses: [{ ip: '10.245.0.20', ready }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
    pods: [{ namespace: 'default', name: 'nginx-1', ip: '10.245.0.20' }],
  };
}

async function start(rules: NetworkRuleSpec[], state: () => ClusterState): Promise<AddressMap> {
  const map = new AddressMap(202);
  const topo = twoZoneTopology();
  labNet = await LabNetwork.start(map, topo, new NetworkRules(rules, topo, 1));
  hosts = await new TcpHosts(labNet, [{ ip: '10.118.163.242', tcp: [80, 443] }], state, 1).start();
  return map;
}

describe('TCP hosts', () => {
  it('hosts[].tcp ports accept; other ports and unknown IPs refuse', async () => {
    const map = await start([], () => clusterWith(true));
    expect(await tcpConnect(map, '10.245.4.17', '10.118.163.242', 443)).toBe('connected');
    expect(await tcpConnect(map, '10.245.4.17', '10.118.163.242', 22)).toBe('refused');
    expect(await tcpConnect(map, '10.245.4.17', '10.118.163.250', 80)).toBe('refused');
  });

  it('a Service IP accepts while it has ready endpoints; the pod accepts on the target port', async () => {
    let ready = true;
    const map = await start([], () => clusterWith(ready));
    expect(await tcpConnect(map, '10.245.4.17', '10.96.3.4', 80)).toBe('connected');
    expect(await tcpConnect(map, '10.245.4.17', '10.245.0.20', 8080)).toBe('connected');
    ready = false;
    expect(await tcpConnect(map, '10.245.4.17', '10.96.3.4', 80)).toBe('refused');
    expect(await tcpConnect(map, '10.245.4.17', '10.96.3.4', 80, 1000, false)).toBe('refused');
  });

  it('rules: a drop to the endpoint behind a Service times out; a reject refuses', async () => {
    const map = await start(
      [
        { from: 'node:gpu-zone1', to: 'node:dev-master', proto: 'tcp', action: 'drop' },
        { from: 'node:gpu-zone2', to: '10.118.163.0/24', action: 'reject' },
      ],
      () => clusterWith(true),
    );
    expect(await tcpConnect(map, '10.245.4.17', '10.96.3.4', 80)).toBe('timeout');
    expect(await tcpConnect(map, '10.245.5.9', '10.96.3.4', 80)).toBe('connected');
    expect(await tcpConnect(map, '10.245.5.9', '10.118.163.242', 80)).toBe('refused');
  });
});

describe('TCP hosts, senders that do not dial with their identity', () => {
  it('a dropped destination resets after the kernel handshake instead of looking reachable', async () => {
    const map = await start([{ from: 'zone:cloud-b-2', to: '10.118.163.0/24', proto: 'tcp', action: 'drop' }], () => clusterWith(true));
    expect(await tcpConnect(map, '10.245.5.9', '10.118.163.242', 80, 1000, false)).not.toBe('connected');
    expect(await tcpConnect(map, '10.245.4.17', '10.118.163.242', 80, 1000, false)).toBe('connected');
  });
});

describe('TCP hosts at scale', () => {
  it('thousands of Service and pod ports share one listener: they answer, the rules still apply, other ports refuse', async () => {
    const pods = Array.from({ length: 3000 }, (_, i) => ({ namespace: 'default', name: `web-${i}`, ip: `10.245.${Math.floor(i / 250)}.${(i % 250) + 2}` }));
    const state: ClusterState = {
      namespaces: ['default'],
      services: pods.slice(0, 1000).map((p, i) => ({ namespace: 'default', name: `svc-${i}`, type: 'ClusterIP', clusterIP: `10.96.${10 + Math.floor(i / 250)}.${(i % 250) + 1}`, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] })),
      endpoints: pods.slice(0, 1000).map((p, i) => ({ namespace: 'default', service: `svc-${i}`, addresses: [{ ip: p.ip, ready: true }, { ip: pods[1000 + i]!.ip, ready: true }], ports: [{ port: 8080, protocol: 'TCP' }] })),
      pods,
    };
    // Count the TCP listeners this lab creates (not the process's: earlier tests' may still be closing).
    let listeners = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'TCPSERVERWRAP') listeners++;
      },
    }).enable();
    const map = await start([{ from: 'node:gpu-zone1', to: '10.245.3.100', proto: 'tcp', action: 'drop' }], () => state).finally(() => hook.disable());
    // The two hosts[].tcp ports and the shared listener: not one per Service or pod port.
    expect(listeners).toBe(3);
    expect(await tcpConnect(map, '10.245.5.9', '10.96.10.1', 80)).toBe('connected');
    expect(await tcpConnect(map, '10.245.5.9', '10.96.13.250', 80)).toBe('connected');
    expect(await tcpConnect(map, '10.245.5.9', pods[1999]!.ip, 8080)).toBe('connected');
    expect(await tcpConnect(map, '10.245.5.9', pods[1999]!.ip, 80)).toBe('refused');
    expect(await tcpConnect(map, '10.245.5.9', pods[2500]!.ip, 8080)).toBe('refused');
    expect(await tcpConnect(map, '10.245.4.17', '10.245.3.100', 8080, 500)).toBe('timeout');
  });
});
