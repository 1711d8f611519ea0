/**
 * NetworkPolicy enforcement as a CNI does it: isolation once selected for a policy type, additive allow
 * rules, ports and protocols (named ports, endPort), pod and namespace selectors, ipBlocks with except,
 * and the exceptions (own node, self, replies). Pure judgments first, then real DNS packets in a lab
 * where a policy stated once (no network rules) blocks a pod, and deleting it with kubectl unblocks it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkPolicyEnforcer, type NetworkPolicyObject, type PolicyPod, type PolicyView } from '../../../src/lab/net/network-policies.js';
import { startLab, type Lab } from '../../../src/lab/lab.js';
import { parseScenario } from '../../../src/lab/scenario/load-scenario.js';
import { queryDns } from '../../../src/probes/dns/dns-client.js';

const pod = (namespace: string, name: string, ip: string, labels: Record<string, string>, ports: PolicyPod['ports'] = []): PolicyPod => ({ namespace, name, ip, labels, nodeIp: '10.0.0.11', ports });
const coredns = pod('kube-system', 'coredns-a', '10.244.0.2', { 'k8s-app': 'kube-dns' }, [
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
]);
const web = pod('shop', 'web-1', '10.244.0.20', { app: 'web' });
const worker = pod('shop', 'worker-1', '10.244.0.21', { app: 'worker' });
const db = pod('data', 'pg-0', '10.244.0.30', { app: 'pg' }, [{ name: 'postgres', containerPort: 5432 }]);

function enforcer(...policies: NetworkPolicyObject[]): NetworkPolicyEnforcer {
  const view: PolicyView = { policies, pods: [coredns, web, worker, db], namespaceLabels: { 'kube-system': {}, shop: { team: 'shop' }, data: { tier: 'data' } } };
  return new NetworkPolicyEnforcer(() => view);
}
const policy = (namespace: string, name: string, spec: NetworkPolicyObject['spec']): NetworkPolicyObject => ({ metadata: { name, namespace }, spec });
const dnsUdp = (from: string) => ({ from, to: coredns.ip, proto: 'udp' as const, port: 53 });
const dnsTcp = (from: string) => ({ from, to: coredns.ip, proto: 'tcp' as const, port: 53 });

describe('NetworkPolicyEnforcer', () => {
  it('lets everything through while no policy selects a pod', () => {
    const e = enforcer(policy('shop', 'only-workers', { podSelector: { matchLabels: { app: 'worker' } }, policyTypes: ['Egress'] }));
    expect(e.judge(dnsUdp(web.ip))).toBeUndefined();
    expect(e.judge({ from: web.ip, to: '203.0.113.9', proto: 'tcp', port: 443 })).toBeUndefined();
  });

  it('denies by default once a pod is selected for egress, except to its own node and itself', () => {
    const e = enforcer(policy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Egress'] }));
    expect(e.judge(dnsUdp(web.ip))).toEqual({ direction: 'egress', pod: 'shop/web-1', policies: ['default-deny'] });
    expect(e.judge({ from: web.ip, to: '203.0.113.9', proto: 'tcp', port: 443 })).toMatchObject({ direction: 'egress' });
    expect(e.judge({ from: web.ip, to: '10.0.0.11', proto: 'tcp', port: 10250 })).toBeUndefined();
    expect(e.judge({ from: web.ip, to: web.ip, proto: 'tcp', port: 8080 })).toBeUndefined();
    // Another namespace's pods are not selected by a shop policy.
    expect(e.judge({ from: db.ip, to: '203.0.113.9', proto: 'tcp', port: 443 })).toBeUndefined();
  });

  it('adds up allow rules: a namespace+pod selector for UDP 53 allows UDP only, a second policy adds TCP', () => {
    const deny = policy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Egress'] });
    const udp = policy('shop', 'dns-udp', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }] }],
    });
    expect(enforcer(deny, udp).judge(dnsUdp(web.ip))).toBeUndefined();
    expect(enforcer(deny, udp).judge(dnsTcp(web.ip))).toMatchObject({ direction: 'egress', policies: ['default-deny', 'dns-udp'] });
    const tcp = policy('shop', 'dns-tcp', { podSelector: {}, egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53 }] }] });
    expect(enforcer(deny, udp, tcp).judge(dnsTcp(web.ip))).toBeUndefined();
  });

  it('matches a podSelector peer in the policy namespace only, and a namespaceSelector by its labels', () => {
    const sameNs = policy('shop', 'to-shop-pods', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }] });
    expect(enforcer(sameNs).judge(dnsUdp(web.ip))).toMatchObject({ direction: 'egress' });
    const byNsLabel = policy('shop', 'to-data', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['data'] }] } }] }] });
    expect(enforcer(byNsLabel).judge({ from: web.ip, to: db.ip, proto: 'tcp', port: 5432 })).toBeUndefined();
    expect(enforcer(byNsLabel).judge(dnsUdp(web.ip))).toMatchObject({ direction: 'egress' });
  });

  it('judges ingress on the receiver: CoreDNS that accepts only the shop namespace refuses the data namespace', () => {
    const ingress = policy('kube-system', 'dns-from-shop', {
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } } }], ports: [{ protocol: 'UDP', port: 'dns' }, { protocol: 'TCP', port: 'dns-tcp' }] }],
    });
    const e = enforcer(ingress);
    expect(e.judge(dnsUdp(web.ip))).toBeUndefined();
    expect(e.judge(dnsTcp(web.ip))).toBeUndefined();
    expect(e.judge(dnsUdp(db.ip))).toEqual({ direction: 'ingress', pod: 'kube-system/coredns-a', policies: ['dns-from-shop'] });
    // The node itself is always let in (kubelet's probes).
    expect(e.judge({ from: '10.0.0.11', to: coredns.ip, proto: 'tcp', port: 8080 })).toBeUndefined();
    // A named port that the pod does not have never matches.
    expect(e.judge({ from: web.ip, to: coredns.ip, proto: 'tcp', port: 9153 })).toMatchObject({ direction: 'ingress' });
  });

  it('matches ipBlocks with except, port ranges with endPort, and takes egress: [] without policyTypes as ingress-only', () => {
    const block = policy('shop', 'egress-vpc', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 8000, endPort: 8100 }] }],
    });
    const e = enforcer(block);
    expect(e.judge({ from: web.ip, to: '10.20.0.2', proto: 'udp', port: 53 })).toBeUndefined();
    expect(e.judge({ from: web.ip, to: '10.9.0.2', proto: 'udp', port: 53 })).toMatchObject({ direction: 'egress' });
    expect(e.judge({ from: web.ip, to: '10.20.0.2', proto: 'tcp', port: 8080 })).toBeUndefined();
    expect(e.judge({ from: web.ip, to: '10.20.0.2', proto: 'tcp', port: 8101 })).toMatchObject({ direction: 'egress' });
    // ipBlocks match pod addresses too.
    expect(e.judge(dnsUdp(web.ip))).toBeUndefined();
    const ingressOnly = policy('shop', 'empty-egress', { podSelector: {}, egress: [] });
    expect(enforcer(ingressOnly).judge({ from: web.ip, to: '203.0.113.9', proto: 'tcp', port: 443 })).toBeUndefined();
    expect(enforcer(ingressOnly).judge({ from: db.ip, to: web.ip, proto: 'tcp', port: 8080 })).toMatchObject({ direction: 'ingress', pod: 'shop/web-1' });
  });
});

const scenarioText = `
version: 1
name: policy-lab
cluster:
  dnsService: { ip: 10.96.0.10 }
nodes:
  - { name: n1, ip: 10.0.0.11, podCIDR: 10.244.0.0/24, resolvConf: "nameserver 10.0.0.2\\n" }
  - { name: n2, ip: 10.0.0.12, podCIDR: 10.244.1.0/24, resolvConf: "nameserver 10.0.0.2\\n" }
coredns:
  pods:
    - { name: coredns-6f6b679f8f-aaaaa, node: n2, ip: 10.244.1.2 }
pods:
  - { namespace: shop, name: web-1, node: n1, ip: 10.244.0.20, labels: { app: web } }
  - { namespace: shop, name: batch-1, node: n1, ip: 10.244.0.21, labels: { app: batch } }
resolvers:
  - name: site
    ip: 10.0.0.2
    records:
      - { name: www.example.org, type: A, values: [203.0.113.80] }
networkPolicies:
  - metadata: { name: web-egress, namespace: shop }
    spec:
      podSelector: { matchLabels: { app: web } }
      policyTypes: [Egress]
      egress:
        - to: [{ ipBlock: { cidr: 203.0.113.0/24 } }]
          ports: [{ protocol: TCP, port: 443 }]
`;

describe('NetworkPolicies on the lab data path (real packets, real kubectl)', () => {
  let lab: Lab;
  const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
  beforeAll(async () => {
    lab = await startLab(parseScenario(scenarioText, 'policy-lab.yaml'));
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const ask = (sourceIp: string, server: string, transport: 'udp' | 'tcp' = 'udp') =>
    queryDns({ ip: server }, 'www.example.org', 'A', { network: lab.network, sourceIp, tries: 1, timeoutMs: 400, transport });

  it('drops DNS of the selected pod to the Service, to the CoreDNS pod and to the node resolver; the other pod resolves', async () => {
    for (const server of ['10.96.0.10', '10.244.1.2', '10.0.0.2']) {
      expect((await ask('10.244.0.20', server)).outcome, server).toBe('timeout');
    }
    expect((await ask('10.244.0.20', '10.96.0.10', 'tcp')).outcome).toBe('timeout');
    const ok = await ask('10.244.0.21', '10.96.0.10');
    expect(ok.answers.map((a) => a.data)).toEqual(['203.0.113.80']);
  });

  it('follows the API: deleting the policy with kubectl lets the pod resolve', async () => {
    await promisify(execFile)('kubectl', ['delete', 'networkpolicy', '-n', 'shop', 'web-egress'], { env: { PATH: process.env['PATH'], HOME: home, KUBECONFIG: lab.kubeconfigPath }, timeout: 20000 });
    const ok = await ask('10.244.0.20', '10.96.0.10');
    expect(ok.answers.map((a) => a.data)).toEqual(['203.0.113.80']);
  });
});
