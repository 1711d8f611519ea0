/**
 * The NetworkPolicies as a node's nft chains (src/lab/netns/policy-plan.ts), read as text: which
 * pods get chains, what each allows, and that everything else is dropped. The kernel side (the
 * chains load and drop) is the netns suite's (test/lab/netns/).
 */
import { describe, expect, it } from 'vitest';
import type { NetworkPolicyObject, PolicyPod, PolicyView } from '../../../src/lab/net/network-policies.js';
import { policyChains } from '../../../src/lab/netns/policy-plan.js';

const nodeA = '10.5.0.21';
const nodeB = '10.5.0.22';
const pod = (namespace: string, name: string, ip: string, nodeIp: string, labels: Record<string, string>, ports: PolicyPod['ports'] = []): PolicyPod => ({ namespace, name, ip, nodeIp, labels, ports });
const orders = pod('orders', 'orders-1', '10.42.0.31', nodeA, { app: 'orders' });
const coredns = pod('kube-system', 'coredns-1', '10.42.0.3', nodeA, { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }]);
const ledger = pod('billing', 'ledger-0', '10.42.1.40', nodeB, { app: 'ledger' }, [{ name: 'grpc', containerPort: 9090 }]);
const view = (policies: NetworkPolicyObject[]): PolicyView => ({ policies, pods: [orders, coredns, ledger], namespaceLabels: { billing: {}, orders: {}, 'kube-system': {} } });

/** The lines of one chain. */
function chain(text: string[], name: string): string[] {
  const start = text.indexOf(`  chain ${name} {`);
  if (start < 0) return [];
  return text.slice(start + 1, text.indexOf('  }', start)).map((l) => l.trim());
}

describe('NetworkPolicies as nft chains of a node', () => {
  const egressToBilling: NetworkPolicyObject = {
    metadata: { name: 'orders-egress', namespace: 'orders' },
    spec: { podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'billing' } } }], ports: [{ protocol: 'TCP', port: 9090 }] }] },
  };

  it('an egress policy: its pod on this node gets a chain that allows the selected pods and port, and drops the rest', () => {
    const text = policyChains(view([egressToBilling]), nodeA);
    expect(chain(text, 'policies')).toContain('iifname != "eth0" ip saddr 10.42.0.31 ip daddr != 10.42.0.31 jump pol_egress0');
    expect(chain(text, 'pol_egress0')).toEqual(['ip daddr 10.42.1.40 meta l4proto tcp th dport 9090 return', 'counter drop']);
    expect(text.join('\n')).toMatch(/type filter hook forward priority filter \+ 10; policy accept;/);
    expect(text.join('\n')).not.toMatch(/pol_ingress/); // Egress only: nobody is isolated for ingress
  });

  it('a node without isolated pods gets no chains at all', () => {
    expect(policyChains(view([egressToBilling]), nodeB)).toEqual([]);
    expect(policyChains(view([]), nodeA)).toEqual([]);
  });

  it('ingress with a named port resolves against the selected pod; ipBlock keeps its excepts', () => {
    const ingress: NetworkPolicyObject = {
      metadata: { name: 'dns-in', namespace: 'kube-system' },
      spec: {
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        ingress: [{ from: [{ ipBlock: { cidr: '10.42.0.0/16', except: ['10.42.1.0/24'] } }], ports: [{ protocol: 'UDP', port: 'dns' }, { protocol: 'TCP', port: 'dns' }] }],
      },
    };
    const text = policyChains(view([ingress]), nodeA);
    expect(chain(text, 'policies')).toContain('oifname != "eth0" ip daddr 10.42.0.3 ip saddr != 10.42.0.3 jump pol_ingress1');
    // The pod names "dns" only for UDP: the TCP entry allows nothing.
    expect(chain(text, 'pol_ingress1')).toEqual(['ip saddr 10.42.0.0/16 ip saddr != 10.42.1.0/24 meta l4proto udp th dport 53 return', 'counter drop']);
  });

  it('egress to a named port: each destination pod with that name, at its own number; a rule without peers or ports allows everything', () => {
    const named: NetworkPolicyObject = { metadata: { name: 'n', namespace: 'orders' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'grpc' }] }] } };
    expect(chain(policyChains(view([named]), nodeA), 'pol_egress0')).toEqual(['ip daddr 10.42.1.40 meta l4proto tcp th dport 9090 return', 'counter drop']);
    const open: NetworkPolicyObject = { metadata: { name: 'o', namespace: 'orders' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] } };
    expect(chain(policyChains(view([open]), nodeA), 'pol_egress0')).toEqual(['meta l4proto { udp, tcp } return', 'counter drop']);
  });

  it('default deny (no rules) drops everything; a selector that matches no pod allows nothing; port ranges', () => {
    const deny: NetworkPolicyObject = { metadata: { name: 'deny', namespace: 'orders' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    const none: NetworkPolicyObject = { metadata: { name: 'none', namespace: 'orders' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'gone' } } }] }, { ports: [{ protocol: 'UDP', port: 5000, endPort: 5010 }] }] } };
    const text = policyChains(view([deny, none]), nodeA);
    expect(chain(text, 'pol_egress0')).toEqual(['meta l4proto udp th dport 5000-5010 return', 'counter drop']);
    expect(chain(text, 'pol_ingress0')).toEqual(['counter drop']);
  });
});
