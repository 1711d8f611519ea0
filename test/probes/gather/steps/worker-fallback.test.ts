import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Evidence } from '../../../../src/core/model/index.js';
import type { ProbePlan } from '../../../../src/probes/gather/steps/probe-plan.js';
import { workerFallbackStep } from '../../../../src/probes/gather/steps/worker-fallback.js';
import { startLoopbackDns, type LoopbackDns } from '../../kube/loopback-dns.js';
import { done, stepContext } from './step-context.js';

let net: LoopbackDns;
beforeAll(async () => {
  net = await startLoopbackDns();
});
afterAll(async () => {
  await net.stop();
});
beforeEach(() => {
  net.asked.length = 0;
});

const plan: ProbePlan = { dnsServiceIp: '10.96.0.10', endpoints: [{ ip: '10.244.1.2', pod: 'coredns-a' }], upstreams: [{ ip: '192.168.7.2', port: 53 }], reachName: 'kube-dns.kube-system.svc.cluster.local.', tcpPorts: [80, 443], deadlineMs: 5000 };
const base = { id: '', from: { kind: 'worker' as const }, at: '', ms: 1 };
const query = (role: 'dns-service' | 'upstream', ip: string): Evidence => ({ ...base, kind: 'dns-query', resolver: { ip, port: 53, role }, qname: 'api.example.', qtype: 'A', transport: 'udp', outcome: 'answer', rcode: 'NOERROR', answers: [], authority: [], latencyMs: 1, tries: 1 });
const failed: Evidence = { ...base, kind: 'probe-error', probe: 'twin probe pod', what: 'deep probes', reason: 'forbidden' };

function fallback(twin: Evidence[], nodeView: Evidence[], p: ProbePlan | undefined) {
  const progress: string[] = [];
  const ctx = stepContext({ options: { network: net.network }, progress });
  return { progress, result: workerFallbackStep.run(ctx, { plan: done(p), twin: done(undefined, twin), nodeView: done(undefined, nodeView) }) };
}

describe('worker fallback step (what the probe pods could not ask; loopback DNS stands in for the cluster)', () => {
  it('asks nothing when the twin probe queried and a node view reached an upstream', async () => {
    const { result, progress } = fallback([query('dns-service', '10.96.0.10')], [query('upstream', '192.168.7.2')], plan);
    expect((await result).evidence).toEqual([]);
    expect(net.asked).toEqual([]);
    expect(progress).toEqual(['probe pods finished']);
  });

  it('asks the DNS Service and every endpoint from the worker when the twin probe sent no query', async () => {
    const { evidence } = await fallback([failed], [query('upstream', '192.168.7.2')], plan).result;
    expect(evidence.map((e) => e.kind === 'dns-query' && [e.from.kind, e.resolver.role, e.resolver.ip])).toEqual([
      ['worker', 'dns-service', '10.96.0.10'],
      ['worker', 'coredns-endpoint', '10.244.1.2'],
    ]);
    expect(net.asked.sort()).toEqual(['10.244.1.2', '10.96.0.10']);
  });

  it('asks the Corefile upstreams when no node view reached one', async () => {
    const { evidence } = await fallback([query('dns-service', '10.96.0.10')], [], plan).result;
    expect(evidence.map((e) => e.kind === 'dns-query' && `${e.resolver.role} ${e.resolver.ip}`)).toEqual(['upstream 192.168.7.2']);
  });

  it('does nothing without a plan (probing off, or no DNS server address)', async () => {
    const { result, progress } = fallback([], [], undefined);
    expect(await result).toEqual({ value: undefined, evidence: [] });
    expect(progress).toEqual([]);
  });
});
