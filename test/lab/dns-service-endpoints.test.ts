/**
 * The DNS Service's selector and EndpointSlices can be set by a scenario, and kube-proxy's emulation
 * follows the slices: a selector that matches nothing leaves no endpoints (refused at once), a
 * hand-written endpoint that no CoreDNS replica has is never answered. Real kubectl reads the objects.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { parseScenario, ScenarioError } from '../../src/lab/scenario/load-scenario.js';
import { queryDns } from '../../src/probes/dns/dns-client.js';

const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
const labs: Lab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.stop()));
  rmSync(home, { recursive: true, force: true });
});

const text = (dnsService: string) => `
version: 1
name: dns-service-endpoints
cluster:
  dnsService: ${dnsService}
nodes:
  - { name: n1, ip: 10.0.0.11, podCIDR: 10.244.0.0/24, resolvConf: "nameserver 10.0.0.2\\n" }
coredns:
  pods:
    - { name: coredns-6f6b679f8f-aaaaa, node: n1, ip: 10.244.0.2 }
pods:
  - { namespace: default, name: web-1, node: n1, ip: 10.244.0.20 }
resolvers:
  - name: site
    ip: 10.0.0.2
    records:
      - { name: www.example.org, type: A, values: [203.0.113.80] }
`;

async function lab(dnsService: string): Promise<Lab> {
  const l = await startLab(parseScenario(text(dnsService), 'dns-service-endpoints.yaml'));
  labs.push(l);
  return l;
}
const kubectlJson = async (l: Lab, ...args: string[]) =>
  JSON.parse((await promisify(execFile)('kubectl', [...args, '-o', 'json'], { env: { PATH: process.env['PATH'], HOME: home, KUBECONFIG: l.kubeconfigPath }, timeout: 20000 })).stdout);
const ask = (l: Lab, server: string) => queryDns({ ip: server }, 'www.example.org', 'A', { network: l.network, sourceIp: '10.244.0.20', tries: 1, timeoutMs: 400 });

describe('the DNS Service selector and EndpointSlices in the lab', () => {
  it('a selector that matches no pod: no endpoints, the Service refuses, the CoreDNS pod still answers directly', async () => {
    const l = await lab('{ ip: 10.96.0.10, selector: { k8s-app: coredns } }');
    const svc = await kubectlJson(l, 'get', 'svc', '-n', 'kube-system', 'kube-dns');
    expect(svc.spec.selector).toEqual({ 'k8s-app': 'coredns' });
    const slices = await kubectlJson(l, 'get', 'endpointslices', '-n', 'kube-system', '-l', 'kubernetes.io/service-name=kube-dns');
    expect(slices.items.flatMap((s: any) => s.endpoints ?? [])).toEqual([]);
    expect((await ask(l, '10.96.0.10')).outcome).toBe('refused');
    expect((await ask(l, '10.244.0.2')).answers.map((a) => a.data)).toEqual(['203.0.113.80']);
  });

  it('hand-written endpoints: a Service without selector sends to the listed address, which nothing serves', async () => {
    const l = await lab('{ ip: 10.96.0.10, endpoints: [{ ip: 10.244.0.9, node: n1 }] }');
    const svc = await kubectlJson(l, 'get', 'svc', '-n', 'kube-system', 'kube-dns');
    expect(svc.spec.selector).toBeUndefined();
    const slices = await kubectlJson(l, 'get', 'endpointslices', '-n', 'kube-system', '-l', 'kubernetes.io/service-name=kube-dns');
    expect(slices.items.flatMap((s: any) => s.endpoints.map((e: any) => e.addresses[0]))).toEqual(['10.244.0.9']);
    expect((await ask(l, '10.96.0.10')).outcome).toBe('timeout');
  });

  it('hand-written endpoints that name the CoreDNS pod are answered through the Service', async () => {
    const l = await lab('{ ip: 10.96.0.10, endpoints: [{ ip: 10.244.0.2 }] }');
    expect((await ask(l, '10.96.0.10')).answers.map((a) => a.data)).toEqual(['203.0.113.80']);
  });

  it('refuses a selector together with endpoints, and an endpoint on an unknown node', () => {
    expect(() => parseScenario(text('{ ip: 10.96.0.10, selector: { a: b }, endpoints: [{ ip: 10.244.0.9, node: n9 }] }'), 'x.yaml')).toThrow(ScenarioError);
    try {
      parseScenario(text('{ ip: 10.96.0.10, selector: { a: b }, endpoints: [{ ip: 10.244.0.9, node: n9 }] }'), 'x.yaml');
    } catch (e) {
      expect((e as Error).message).toMatch(/cluster\.dnsService\.endpoints.*either selector or endpoints/);
      expect((e as Error).message).toMatch(/cluster\.dnsService\.endpoints\[0\]\.node.*no node named "n9"/);
    }
  });
});
