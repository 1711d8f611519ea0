/**
 * NetworkPolicies read through the Kubernetes client keep the API's field names: the client's model calls
 * an ingress rule's `from` `_from`, and the checks read the wire format. Real client against the lab's API
 * server (HTTPS, no DNS world).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../../src/lab/lab.js';
import { parseScenario } from '../../../src/lab/scenario/load-scenario.js';
import { KubeClusterAccess } from '../../../src/probes/kube/kube-cluster-access.js';

const text = `
version: 1
name: policy-json
cluster:
  dnsService: { ip: 10.96.0.10 }
nodes:
  - { name: n1, ip: 10.0.0.11, podCIDR: 10.244.0.0/24 }
networkPolicies:
  - metadata: { name: dns-ingress, namespace: kube-system }
    spec:
      podSelector: { matchLabels: { k8s-app: kube-dns } }
      ingress:
        - from: [{ namespaceSelector: { matchLabels: { dns-client: "true" } } }]
          ports: [{ protocol: UDP, port: 53 }]
`;

describe('listNetworkPolicies (real client, lab API)', () => {
  let lab: Lab | undefined;
  afterAll(async () => {
    await lab?.stop();
  });

  it('returns ingress peers under "from", as the API writes them', async () => {
    lab = await startLab(parseScenario(text, 'policy-json.yaml'), { dns: false });
    const access = KubeClusterAccess.fromKubeconfig(lab.kubeconfigPath);
    const [p] = (await access.listNetworkPolicies('kube-system')) as any[];
    expect(p.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'dns-client': 'true' } } }]);
    expect(p.spec.ingress[0]).not.toHaveProperty('_from');
  });
});
