/**
 * A dangling ExternalName Service, end to end in the lab: the probe asks the DNS Service for the CNAME
 * target by itself, the diagnosis names the Service and its target, and its advice, run with the real
 * kubectl (the placeholder filled in with the host that serves the database now), makes the same
 * diagnosis come back healthy once the old CNAME's TTL has run out in the replicas' cache (their clock
 * is moved on by that TTL instead of sleeping): the emulated CoreDNS answers the new CNAME and its address.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { evidenceOfKind } from '../../src/core/model/index.js';
import { runDiagnosis } from '../../src/diagnosis/run-diagnosis.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';

const run = promisify(execFile);
const scenario = join(import.meta.dirname, '..', '..', 'scenarios', 'cases', 'externalname-points-at-retired-host.yaml');
const target = { pod: 'billing/invoicer-5d8f7c9b6-k2m4p', name: 'ledger-db', port: 5432 };

describe('dangling ExternalName Service (lab)', () => {
  let lab: Lab;
  afterAll(async () => {
    await lab?.stop();
  });

  it('is named with its target, and the advised patch of externalName makes the lookup work', async () => {
    // The replicas' clock, so the test can let the cached CNAME's TTL run out without sleeping through it.
    let later = 0;
    lab = await startLab(scenario, { dnsOptions: { now: () => Date.now() + later } });
    const access = KubeClusterAccess.fromKubeconfig(lab.kubeconfigPath);
    const cluster = { access, network: lab.network, name: 'lab' };
    const before = await runDiagnosis(cluster, target, { burst: { count: 10, concurrency: 5 } });
    const asked = evidenceOfKind(before.evidence, 'dns-query').filter((q) => q.purpose === 'cname-target');
    expect(asked.map((q) => `${q.qname} ${q.rcode}`)).toEqual(['ledger01.old-dc.example. NXDOMAIN']);
    const finding = before.findings.find((f) => f.checkId === 'dangling-externalname');
    expect(finding?.messageId).toBe('target-does-not-exist');
    expect(before.findings.map((f) => f.checkId)).not.toContain('name-does-not-exist');
    const advice = finding!.fixes.find((x) => x.kind === 'advice');
    const step = advice?.kind === 'advice' ? (advice.steps.find((s) => s.includes('patch service')) ?? '') : '';
    const argv = /kubectl (-n \S+ patch service \S+ --type merge -p) '([^']+)'/.exec(step);
    expect(argv, step).not.toBeNull();

    const patch = argv![2]!.replace('NEW-HOST-NAME', 'ledger02.new-dc.example');
    await run('kubectl', [...argv![1]!.split(' '), patch], { env: { ...process.env, KUBECONFIG: lab.kubeconfigPath } });
    // CoreDNS's cache keeps the old CNAME for its TTL (the kubernetes plugin's, 5 s by default), as a real one does.
    const cnameTtl = Math.max(...evidenceOfKind(before.evidence, 'dns-query').flatMap((q) => q.answers.filter((a) => a.type === 'CNAME').map((a) => a.ttl)));
    expect(cnameTtl).toBeLessThanOrEqual(30);
    later += (cnameTtl + 1) * 1000;
    const after = await runDiagnosis(cluster, target, { burst: { count: 10, concurrency: 5 } });
    expect(after.findings.filter((f) => f.severity !== 'info').map((f) => `${f.checkId}: ${f.explanation}`)).toEqual([]);
    expect(after.verdict).toBe('healthy');
    expect(evidenceOfKind(after.evidence, 'dns-query').filter((q) => q.purpose === 'cname-target')).toEqual([]);
  }, 120_000);
});
