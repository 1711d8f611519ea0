import { describe, expect, it } from 'vitest';
import { Facts } from '../../../src/checks/lib/facts.js';
import { dnsEgressVerdict, selectorMatches } from '../../../src/checks/lib/network-policy.js';
import type { Evidence, PodFacts } from '../../../src/core/model/index.js';

const pod: PodFacts = { namespace: 'web', name: 'front-1', ip: '10.0.1.5', node: 'n1', phase: 'Running', ready: true, hostNetwork: false, dnsPolicy: 'ClusterFirst', hostAliases: [], labels: { app: 'front', tier: 'web' }, containers: ['main'] };
const base = { from: { kind: 'api' as const }, at: '2026-11-22T03:00:00.000Z', ms: 1 };
const endpoints: Evidence = {
  ...base, id: 'e1', kind: 'endpoints',
  service: { namespace: 'kube-system', name: 'kube-dns', type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [] },
  endpoints: [{ ip: '10.0.2.10', ready: true, pod: 'coredns-a', node: 'n2' }],
  corednsPods: [{ name: 'coredns-a', namespace: 'kube-system', ip: '10.0.2.10', node: 'n2', ready: true, phase: 'Running', restarts: 0 }],
};

function verdict(policies: unknown[], labels: Record<string, string> | null = { 'k8s-app': 'kube-dns' }) {
  const np: Evidence = {
    ...base, id: 'e2', kind: 'network-policies', namespace: 'web', policies, podLabels: pod.labels,
    namespaceLabels: { 'kube-system': { team: 'platform' } },
    ...(labels ? { corednsPodLabels: { 'coredns-a': labels } } : {}),
  };
  return dnsEgressVerdict(new Facts({ target: { pod, name: 'example.org' }, evidence: [endpoints, np] }));
}

const egress = (name: string, spec: Record<string, unknown>) => ({ metadata: { name, namespace: 'web' }, spec: { podSelector: {}, ...spec } });

describe('selectorMatches', () => {
  it('implements matchLabels and every matchExpressions operator', () => {
    const l = { app: 'front', tier: 'web' };
    expect(selectorMatches(undefined, l)).toBe(true);
    expect(selectorMatches({}, l)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'front' } }, l)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'back' } }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, l)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, l)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, l)).toBe(true);
  });
});

describe('dnsEgressVerdict', () => {
  it('does not apply without policies, or with an ingress-only policy (policyTypes defaulted)', () => {
    expect(verdict([]).applies).toBe(false);
    expect(verdict([egress('in', { ingress: [{}] })]).applies).toBe(false);
  });

  it('defaults policyTypes as the API server does: Egress only when there are egress rules (egress: [] is ingress-only)', () => {
    expect(verdict([egress('empty', { egress: [] })]).applies).toBe(false);
    const v = verdict([egress('deny', { policyTypes: ['Egress'], egress: [] })]);
    expect(v).toMatchObject({ applies: true, udp: false, tcp: false, blocked: true });
    const other = verdict([egress('to-443', { egress: [{ ports: [{ protocol: 'TCP', port: 443 }] }] })]);
    expect(other).toMatchObject({ applies: true, udp: false, blocked: true });
  });

  it('a policy that does not select the pod does not restrict it', () => {
    expect(verdict([egress('other', { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Egress'], egress: [] })]).applies).toBe(false);
  });

  it('policies are additive: any selecting policy allowing DNS wins', () => {
    const v = verdict([
      egress('deny', { policyTypes: ['Egress'], egress: [] }),
      egress('dns', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] }),
    ]);
    expect(v).toMatchObject({ applies: true, udp: true, tcp: true, blocked: false });
  });

  it('a podSelector alone only matches pods in the policy\'s own namespace', () => {
    const v = verdict([egress('same-ns', { policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }] })]);
    expect(v.udp).toBe(false);
  });

  it('protocol defaults to TCP; named ports and endPort ranges', () => {
    expect(verdict([egress('p', { policyTypes: ['Egress'], egress: [{ ports: [{ port: 53 }] }] })]).udp).toBe(false);
    expect(verdict([egress('p', { policyTypes: ['Egress'], egress: [{ ports: [{ port: 53 }] }] })]).tcp).toBe(true);
    expect(verdict([egress('p', { policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 'dns' }] }] })]).udp).toBe(true);
    expect(verdict([egress('p', { policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 50, endPort: 60 }] }] })]).udp).toBe(true);
    expect(verdict([egress('p', { policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 54, endPort: 60 }] }] })]).udp).toBe(false);
  });

  it('ipBlock with except', () => {
    const rule = (except: string[]) => [egress('ip', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except } }] }] })];
    expect(verdict(rule([])).udp).toBe(true);
    expect(verdict(rule(['10.0.2.0/24'])).udp).toBe(false);
  });

  it('says unknown when a podSelector peer needs CoreDNS labels the evidence lacks', () => {
    const v = verdict([egress('dns', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }] })], null);
    expect(v.udp).toBe('unknown');
    expect(v.blocked).toBe(false);
  });
});
