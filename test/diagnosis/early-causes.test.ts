/**
 * runDiagnosis tells the causes it finds while the deep probes still run (onEarlyCauses): the
 * checks, run on the evidence in so far, raise the seed's cause before the report, naming the
 * probes still running, and the report agrees; on a healthy cluster nothing is told early (a check
 * that lacks evidence raises nothing, and the healthy verdict is never an early cause). Real
 * diagnosis in the embedded lab (seed 004 and the healthy scenario).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDiagnosis, type EarlyCauses } from '../../src/diagnosis/run-diagnosis.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';

const scenario = (f: string) => join(import.meta.dirname, '..', '..', 'scenarios', f);
let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function diagnose(file: string, pod: string, name: string, port?: number) {
  lab = await startLab(scenario(file));
  const access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
  const early: EarlyCauses[] = [];
  const report = await runDiagnosis({ access, network: lab.network, name: 'lab' }, { pod, name, ...(port ? { port } : {}) }, { burst: { count: 20, concurrency: 5 }, onEarlyCauses: (e) => early.push(e) });
  return { report, early };
}

describe('causes told before the evidence is complete (lab)', { timeout: 120_000 }, () => {
  it('tells seed 004 its cause while probes still run, and the report names the same cause', async () => {
    const { report, early } = await diagnose('004-cluster-domain-shadowing.yaml', 'default/jumpserver-7596dc7dcb-lcs4n', 'downloads.oneprocloud.com');
    expect(early.length).toBeGreaterThan(0);
    expect(early[0]!.causes.map((f) => f.checkId)).toContain('cluster-domain-shadowing');
    expect(early[0]!.waitingFor.length).toBeGreaterThan(0);
    expect(early[0]!.atMs).toBeLessThanOrEqual(report.durationMs);
    expect(report.findings.map((f) => f.checkId)).toContain('cluster-domain-shadowing');
    // Every early cause is one the report keeps.
    for (const e of early) for (const f of e.causes) expect(report.findings.map((x) => x.checkId)).toContain(f.checkId);
  });

  it('tells nothing early on a healthy cluster', async () => {
    const { report, early } = await diagnose('healthy-cluster.yaml', 'shop/checkout-7f8d6c5b4-2kq9z', 'payments.shop.svc.cluster.local', 8080);
    expect(report.verdict).toBe('healthy');
    expect(early).toEqual([]);
  });
});
