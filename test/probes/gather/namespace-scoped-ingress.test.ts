import { describe, expect, it } from 'vitest';
import { namespaceScopedIngress } from '../../../src/probes/gather/namespace-scoped-ingress.js';

const policy = (name: string, spec: Record<string, unknown>) => ({ metadata: { name, namespace: 'kube-system' }, spec });

describe('namespaceScopedIngress (would a twin in another namespace be judged as the pod is?)', () => {
  it('names ingress policies that admit by namespace label, or by pod selector alone (the policy\'s own namespace)', () => {
    expect(
      namespaceScopedIngress([
        policy('dns-from-apps', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'apps' } } }] }] }),
        policy('dns-from-kube-system', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }] }),
        policy('dns-by-expression', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } }] }] }),
      ]),
    ).toEqual(['dns-from-apps', 'dns-from-kube-system', 'dns-by-expression']);
  });

  it('passes policies that treat every namespace alike: from everywhere, no rule (deny all), egress only', () => {
    expect(
      namespaceScopedIngress([
        policy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
        policy('dns-from-everywhere', { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] }] }),
        policy('any-source', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'UDP', port: 53 }] }] }),
        policy('egress-only', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { a: 'b' } } }] }] }),
      ]),
    ).toEqual([]);
  });
});
