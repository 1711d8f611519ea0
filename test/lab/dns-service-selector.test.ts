/**
 * A DNS Service whose selector matches none of the CoreDNS pods, end to end in the lab: the diagnosis
 * names the selector and the labels the pods carry (read from the API, not from the scenario), and the
 * kubectl command its advice gives, run as written with the real kubectl, brings the endpoints back
 * and the same diagnosis comes back healthy.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runDiagnosis } from '../../src/diagnosis/run-diagnosis.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';

const run = promisify(execFile);
const scenario = join(import.meta.dirname, '..', '..', 'scenarios', 'cases', 'dns-service-selector-matches-nothing.yaml');
const target = { pod: 'shipping/tracker-6d8f9c7b5-zt4wn', name: 'api.carrier.example', port: 443 };

describe('DNS Service selector that matches nothing (lab)', () => {
  let lab: Lab;
  afterAll(async () => {
    await lab?.stop();
  });

  it('is named with the selector and the pods labels, and the advised kubectl patch makes the lookup work', async () => {
    lab = await startLab(scenario);
    const access = KubeClusterAccess.fromKubeconfig(lab.kubeconfigPath);
    const cluster = { access, network: lab.network, name: 'lab' };
    const before = await runDiagnosis(cluster, target, { burst: { count: 10, concurrency: 5 } });
    const finding = before.findings.find((f) => f.checkId === 'no-ready-dns-endpoints');
    expect(finding?.messageId).toBe('selector-matches-nothing');
    expect(finding?.explanation).toContain('selects k8s-app=kube-dns');
    expect(finding?.explanation).toContain('app.kubernetes.io/name=coredns, app.kubernetes.io/instance=coredns');
    const advice = finding!.fixes.find((x) => x.kind === 'advice');
    const step = advice?.kind === 'advice' ? (advice.steps.find((s) => s.includes('patch service')) ?? '') : '';
    const argv = /kubectl (-n \S+ patch service \S+ --type json -p) '([^']+)'/.exec(step);
    expect(argv, step).not.toBeNull();

    await run('kubectl', [...argv![1]!.split(' '), argv![2]!], { env: { ...process.env, KUBECONFIG: lab.kubeconfigPath } });
    const slices = await access.listServiceEndpoints('kube-system', 'kube-dns');
    expect(slices.flatMap((s) => s.addresses.filter((a) => a.ready).map((a) => a.ip)).sort()).toEqual(['10.60.1.3', '10.60.2.3']);
    const after = await runDiagnosis(cluster, target, { burst: { count: 10, concurrency: 5 } });
    expect(after.findings.filter((f) => f.severity !== 'info').map((f) => `${f.checkId}: ${f.explanation}`)).toEqual([]);
    expect(after.verdict).toBe('healthy');
  }, 120_000);
});
