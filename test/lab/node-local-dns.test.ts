/**
 * NodeLocal DNSCache in the lab, end to end: the diagnosis goes through the node-local cache's own
 * Corefile, and the block its advice proposes, written into the node-local-dns ConfigMap by hand (as
 * the advice tells an operator to), makes the same diagnosis come back healthy: the cache reloads it.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDiagnosis } from '../../src/diagnosis/run-diagnosis.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';

const scenario = join(import.meta.dirname, '..', '..', 'scenarios', 'variants', 'nodelocal-dns-bypasses-stub-zone.yaml');
const target = { pod: 'billing/invoices-6c8d9f7b5-p4m2x', name: 'ledger.corp.example', port: 8443 };

describe('NodeLocal DNSCache (lab)', () => {
  let lab: Lab;
  afterAll(async () => {
    await lab?.stop();
  });

  it('the advised node-local-dns block, applied by hand, makes the lookup work', async () => {
    lab = await startLab(scenario);
    const access = KubeClusterAccess.fromKubeconfig(lab.kubeconfigPath);
    const cluster = { access, network: lab.network, name: 'lab' };
    const before = await runDiagnosis(cluster, target, { burst: { count: 10, concurrency: 5 } });
    const finding = before.findings.find((f) => f.checkId === 'nodelocal-dns-bypasses-zone');
    expect(finding?.severity).toBe('error');
    const advice = finding!.fixes.find((x) => x.kind === 'advice');
    const step = advice?.kind === 'advice' ? advice.steps[0]! : '';
    const block = step.split('add after the existing blocks:\n')[1];
    expect(block).toMatch(/^corp\.example:53 \{\n[\s\S]*forward \. __PILLAR__CLUSTER__DNS__\n\}$/);
    expect(advice?.kind === 'advice' && advice.steps.some((s) => s.startsWith('Simulated with the Corefile engine'))).toBe(true);

    const cm = await access.readConfigMap('kube-system', 'node-local-dns');
    await access.patchConfigMapData('kube-system', 'node-local-dns', { Corefile: `${cm.data.Corefile!.replace(/\n*$/, '\n')}${block}\n` }, { resourceVersion: cm.resourceVersion });
    const after = await runDiagnosis(cluster, target, { burst: { count: 10, concurrency: 5 } });
    expect(after.findings.filter((f) => f.severity !== 'info').map((f) => `${f.checkId}: ${f.explanation}`)).toEqual([]);
    expect(after.verdict).toBe('healthy');
  }, 120_000);
});
