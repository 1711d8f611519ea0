import { describe, expect, it } from 'vitest';
import type { ClusterPod } from '../../../../src/core/cluster-access.js';
import type { CorefileEvidence } from '../../../../src/core/model/index.js';
import type { DnsSide } from '../../../../src/probes/gather/cluster-reads.js';
import { probePlanStep } from '../../../../src/probes/gather/steps/probe-plan.js';
import { done, pod, stepContext } from './step-context.js';

const coredns = (name: string, ip: string, node: string): ClusterPod => ({ ...pod, namespace: 'kube-system', name, ip, node, labels: { 'k8s-app': 'kube-dns' } });
const corednsPods = [coredns('coredns-a', '10.244.1.2', 'node-a'), coredns('coredns-b', '10.244.2.2', 'node-b')];
const service = { namespace: 'kube-system', name: 'kube-dns', type: 'ClusterIP', clusterIP: '10.96.0.10', ports: [] };
const corefile: CorefileEvidence = {
  id: '',
  kind: 'corefile',
  from: { kind: 'api' },
  at: '',
  ms: 0,
  configMap: { namespace: 'kube-system', name: 'coredns' },
  text: '.:53 {\n    forward . 192.168.7.2\n}\n',
  files: {},
};

function plan(dnsSide: DnsSide | undefined, resolvConf: string | undefined, over: Parameters<typeof stepContext>[0] = {}) {
  const progress: string[] = [];
  const ctx = stepContext({ ...over, progress });
  const result = probePlanStep.run(ctx, { dnsSide: done(dnsSide), corefile: done<CorefileEvidence | undefined>(corefile), podFiles: done({ resolvConf }) });
  return { result, progress };
}

describe('probe plan step (what the deep probes aim at)', () => {
  it('aims at the Service ClusterIP, the EndpointSlice addresses and the Corefile upstreams, with what is left of the budget', async () => {
    const dns: DnsSide = { service, corednsPods, endpoints: { namespace: 'kube-system', service: 'kube-dns', ports: [], addresses: [{ ip: '10.244.1.2', ready: true, targetPod: { namespace: 'kube-system', name: 'coredns-a' } }] } };
    const { result, progress } = plan(dns, 'nameserver 10.0.0.99\n', { target: { port: 8443 } });
    const { value, evidence } = await result;
    expect(value).toMatchObject({ dnsServiceIp: '10.96.0.10', endpoints: [{ ip: '10.244.1.2', pod: 'coredns-a', node: 'node-a' }], upstreams: [{ ip: '192.168.7.2', port: 53 }], tcpPorts: [8443] });
    expect(value!.deadlineMs).toBeGreaterThan(14_000);
    expect(value!.deadlineMs).toBeLessThanOrEqual(15_000);
    expect(evidence).toEqual([]);
    expect(progress).toEqual(['starting probe pods']);
  });

  it("falls back to the pod's first nameserver and to the CoreDNS pods when the Service and its EndpointSlices are missing", async () => {
    const { value } = await plan({ corednsPods, endpoints: undefined }, '# kubelet\nnameserver 10.96.0.53\nnameserver 10.96.0.54\n').result;
    expect(value).toMatchObject({ dnsServiceIp: '10.96.0.53', tcpPorts: [80, 443] });
    expect(value!.endpoints).toEqual([
      { ip: '10.244.1.2', pod: 'coredns-a', node: 'node-a' },
      { ip: '10.244.2.2', pod: 'coredns-b', node: 'node-b' },
    ]);
  });

  it('says why there is no plan when there is no DNS server address at all, and makes none when probing is off', async () => {
    const missing = plan(undefined, undefined);
    const r = await missing.result;
    expect(r.value).toBeUndefined();
    expect(r.evidence).toMatchObject([{ kind: 'probe-error', probe: 'deep probes', reason: expect.stringMatching(/no DNS server address/) }]);
    expect(missing.progress).toEqual([]);
    const off = await plan({ service, corednsPods, endpoints: undefined }, undefined, { probeMode: 'none' }).result;
    expect(off).toEqual({ value: undefined, evidence: [] });
  });
});
